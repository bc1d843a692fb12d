package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever the bytes, decoding either succeeds or throws {@link DecodeException}, and returns promptly. */
class JsonDecoderFuzzTest {
    private static final int PAYLOADS = 2000;
    private static final long SEED = 20260101L;

    private static final List<String> SEEDS = List.of(
            "{\"id\":1,\"user\":{\"name\":\"ann\",\"tags\":[\"a\",\"b\"]},\"score\":2.5,\"ok\":true,\"none\":null}",
            "{\"a\":{\"b\":{\"c\":{\"d\":[1,[2,[3,{\"e\":\"\\u00e9\"}]]]}}}}",
            "{\"big\":123456789012345678901234567890,\"neg\":-9223372036854775809,\"exp\":-1.5e-300}",
            "{\"s\":\"quote \\\" backslash \\\\ tab \\t unicode \\ud83d\\ude00\"}",
            "{}",
            "[{\"a\":1}]",
            "{\"a\":1} {\"b\":2}");

    @Test
    void randomAndMutatedPayloadsDecodeOrFailCleanly() {
        Random random = new Random(SEED);
        List<byte[]> payloads = new ArrayList<>(PAYLOADS);
        for (int i = 0; i < PAYLOADS; i++) {
            payloads.add(i % 4 == 0 ? randomBytes(random) : mutate(random, seedPayload(random)));
        }
        int[] outcomes = new int[2];

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < payloads.size(); i++) {
                byte[] payload = payloads.get(i);
                NestedMode mode = NestedMode.values()[i % NestedMode.values().length];
                try {
                    new JsonDecoder(mode, "__").decode(payload, new Row());
                    outcomes[0]++;
                } catch (DecodeException e) {
                    assertThat(e.getMessage()).as("message for payload %d", i).isNotBlank();
                    outcomes[1]++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("payload " + i + " in mode " + mode + " threw " + e + "; bytes: "
                            + HexFormat.of().formatHex(payload), e);
                }
            }
        });

        assertThat(outcomes[0] + outcomes[1]).isEqualTo(PAYLOADS);
        assertThat(outcomes[0]).as("some payloads are still valid JSON objects").isPositive();
        assertThat(outcomes[1]).as("most mutations break the payload").isPositive();
    }

    @Test
    void deeplyNestedPayloadsFailCleanly() {
        List<byte[]> payloads = List.of(
                repeat("{\"a\":", 5_000, "1", "}"),
                repeat("[", 100_000, "", "]"),
                ("{\"a\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                ("{\"n\":" + "9".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8),
                ("{\"s\":\"" + "x".repeat(1_000_000)).getBytes(StandardCharsets.UTF_8));

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (NestedMode mode : NestedMode.values()) {
                for (byte[] payload : payloads) {
                    try {
                        new JsonDecoder(mode, "__").decode(payload, new Row());
                    } catch (DecodeException expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    }
                }
            }
        });
    }

    private static byte[] seedPayload(Random random) {
        return SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        if (b.length > 0 && random.nextBoolean()) {
            b[0] = '{';
        }
        return b;
    }

    /** One to four edits: flip a byte, insert a JSON-ish or random byte, delete, truncate, or repeat a slice. */
    private static byte[] mutate(Random random, byte[] seed) {
        byte[] b = seed;
        int edits = 1 + random.nextInt(4);
        byte[] structural = "{}[]\":,\\-+.eE0tfn \u0000".getBytes(StandardCharsets.UTF_8);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> {
                    byte[] out = new byte[b.length + 1];
                    System.arraycopy(b, 0, out, 0, at);
                    out[at] = random.nextBoolean() ? structural[random.nextInt(structural.length)] : (byte) random.nextInt(256);
                    System.arraycopy(b, at, out, at + 1, b.length - at);
                    b = out;
                }
                case 2 -> {
                    byte[] out = new byte[b.length - 1];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                    b = out;
                }
                case 3 -> b = Arrays.copyOf(b, at);
                default -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(16));
                    byte[] out = Arrays.copyOf(b, b.length + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }

    private static byte[] repeat(String open, int times, String middle, String close) {
        return (open.repeat(times) + middle + close.repeat(times)).getBytes(StandardCharsets.UTF_8);
    }
}
