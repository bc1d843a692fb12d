package io.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpanderTest {
    private final EnvExpander env = new EnvExpander(Map.of("HOST", "kafka", "PORT", "9092", "EMPTY", ""));
    private final List<String> missing = new ArrayList<>();

    private String expand(String text) {
        return env.expand(text, missing::add);
    }

    @Test
    void textWithoutDollarIsReturnedAsIs() {
        assertThat(expand("localhost:9092")).isEqualTo("localhost:9092");
        assertThat(missing).isEmpty();
    }

    @Test
    void setVariablesAreSubstitutedAnywhereInTheText() {
        assertThat(expand("${HOST}:${PORT}")).isEqualTo("kafka:9092");
        assertThat(expand("tcp://${HOST}/x")).isEqualTo("tcp://kafka/x");
        assertThat(missing).isEmpty();
    }

    @Test
    void defaultIsUsedWhenUnsetOrEmpty() {
        assertThat(expand("${NOPE:-fallback}")).isEqualTo("fallback");
        assertThat(expand("${EMPTY:-fallback}")).isEqualTo("fallback");
        assertThat(expand("${HOST:-fallback}")).isEqualTo("kafka");
        assertThat(expand("${NOPE:-}")).isEmpty();
        assertThat(missing).isEmpty();
    }

    @Test
    void setButEmptyWithoutDefaultIsEmptyAndNotMissing() {
        assertThat(expand("a${EMPTY}b")).isEqualTo("ab");
        assertThat(missing).isEmpty();
    }

    @Test
    void everyUnsetVariableWithoutDefaultIsReported() {
        assertThat(expand("${A}-${HOST}-${B}")).isEqualTo("-kafka-");
        assertThat(missing).containsExactly("A", "B");
    }

    @Test
    void doubleDollarIsALiteral() {
        assertThat(expand("$${HOST}")).isEqualTo("${HOST}");
        assertThat(expand("price: $5 and $$")).isEqualTo("price: $5 and $$");
        assertThat(missing).isEmpty();
    }

    @Test
    void unclosedReferenceIsKeptAsText() {
        assertThat(expand("x${HOST")).isEqualTo("x${HOST");
        assertThat(missing).isEmpty();
    }
}
