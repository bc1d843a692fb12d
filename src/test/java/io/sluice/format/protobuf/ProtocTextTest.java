package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtocTextTest {
    @Test
    void formatsLikeCPrintfG() {
        assertThat(ProtocText.formatG(0.1, 15)).isEqualTo("0.1");
        assertThat(ProtocText.formatG(1e10, 15)).isEqualTo("10000000000");
        assertThat(ProtocText.formatG(1e15, 15)).isEqualTo("1e+15");
        assertThat(ProtocText.formatG(0.0001, 15)).isEqualTo("0.0001");
        assertThat(ProtocText.formatG(0.00001, 15)).isEqualTo("1e-05");
        assertThat(ProtocText.formatG(-1.5e-300, 15)).isEqualTo("-1.5e-300");
        assertThat(ProtocText.doubleText(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(ProtocText.floatText(0.1f)).isEqualTo("0.1");
        assertThat(ProtocText.doubleText(-0.0)).isEqualTo("-0");
        assertThat(ProtocText.doubleText(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }

    @Test
    void namesAndEscapes() {
        assertThat(ProtocText.jsonName("foo_bar_2x")).isEqualTo("fooBar2x");
        assertThat(ProtocText.jsonName("_a__b_")).isEqualTo("AB");
        assertThat(ProtocText.mapEntryName("foo_bar")).isEqualTo("FooBarEntry");
        assertThat(ProtocText.mapEntryName("fooBar")).isEqualTo("FooBarEntry");
        assertThat(ProtocText.cEscape(new byte[] {'a', 0, '\n', '"', '\'', '\\', (byte) 0xE9, 0x7F}))
                .isEqualTo("a\\000\\n\\\"\\'\\\\\\351\\177");
    }
}
