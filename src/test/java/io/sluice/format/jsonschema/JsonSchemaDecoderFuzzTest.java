package io.sluice.format.jsonschema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.format.DecodeException;
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

/**
 * Whatever the payload, decoding either succeeds or throws {@link DecodeException}, and returns promptly; whatever
 * the schema text, compiling either succeeds or throws {@link SchemaException}.
 */
class JsonSchemaDecoderFuzzTest {
    private static final long SEED = 20260214L;
    private static final int PAYLOADS = 3000;
    private static final int SCHEMAS = 400;

    static final String SCHEMA = """
            {"$id": "https://example.com/order.json", "type": "object", "properties": {
              "id": {"type": "integer"}, "small": {"type": "integer", "connect.type": "int32"},
              "name": {"type": ["string", "null"]}, "x": {"type": "number"}, "f": {"type": "number", "connect.type": "float32"},
              "ok": {"type": "boolean"}, "at": {"type": "string", "format": "date-time"},
              "day": {"type": "string", "format": "date"}, "clock": {"type": "string", "format": "time"},
              "uid": {"type": "string", "format": "uuid"}, "raw": {"type": "string", "contentEncoding": "base64"},
              "tags": {"type": "array", "items": {"type": "string"}},
              "attrs": {"type": "object", "additionalProperties": {"type": "integer"}},
              "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
              "ship": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/address"}]},
              "tree": {"$ref": "#/$defs/node"},
              "any": {}, "mixed": {"type": ["string", "integer"]},
              "closed": {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": false}
            },
            "$defs": {
              "line": {"type": "object", "properties": {"sku": {"type": "string"}, "n": {"type": "integer"}}},
              "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}},
              "node": {"type": "object", "properties": {"v": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}
            }}""";

    private static final List<String> SEEDS = List.of(
            "{\"id\":1,\"small\":2,\"name\":\"ann\",\"x\":2.5,\"f\":0.5,\"ok\":true,\"at\":\"2026-01-01T00:00:00Z\","
                    + "\"day\":\"2026-01-01\",\"clock\":\"12:00:00\",\"uid\":\"123e4567-e89b-12d3-a456-426614174000\",\"raw\":\"AQID\","
                    + "\"tags\":[\"a\",\"b\"],\"attrs\":{\"k\":1},\"lines\":[{\"sku\":\"s\",\"n\":1}],\"ship\":{\"city\":\"Oslo\"},"
                    + "\"tree\":{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[]}]},\"any\":[1,{\"a\":null}],\"mixed\":3,\"closed\":{\"a\":1,\"b\":2}}",
            "{\"id\":1.0,\"extra\":{\"deep\":{\"er\":[1,2]}},\"ship\":null,\"name\":null,\"big\":123456789012345678901234567890}",
            "{\"id\":-9223372036854775808,\"x\":-1.5e-300,\"s\":\"quote \\\" backslash \\\\ \\ud83d\\ude00\"}",
            "{}",
            "{\"tree\":{\"kids\":[{\"kids\":[{\"kids\":[{\"v\":\"x\"}]}]}]}}");

    @Test
    void randomAndMutatedPayloadsDecodeOrFailCleanly() throws Exception {
        Random random = new Random(SEED);
        List<RowReader> readers = new ArrayList<>();
        for (NestedMode mode : NestedMode.values()) {
            readers.add(JsonSchemaDecoderTest.reader(SCHEMA, mode));
        }
        List<byte[]> payloads = new ArrayList<>(PAYLOADS);
        for (int i = 0; i < PAYLOADS; i++) {
            payloads.add(i % 5 == 0 ? randomBytes(random) : mutate(random, SEEDS.get(random.nextInt(SEEDS.size()))));
        }
        int[] outcomes = new int[2];

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < payloads.size(); i++) {
                RowReader r = readers.get(i % readers.size());
                byte[] payload = payloads.get(i);
                try {
                    r.read(payload, 0, payload.length, new Row());
                    outcomes[0]++;
                } catch (DecodeException e) {
                    assertThat(e.getMessage()).as("message for payload %d", i).isNotBlank();
                    outcomes[1]++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("payload " + i + " threw " + e + "; bytes: " + HexFormat.of().formatHex(payload), e);
                }
            }
        });

        assertThat(outcomes[0]).as("some payloads still decode").isPositive();
        assertThat(outcomes[1]).as("most mutations break the payload").isPositive();
    }

    @Test
    void mutatedSchemasCompileOrFailCleanly() {
        Random random = new Random(SEED + 1);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < SCHEMAS; i++) {
                String schema = new String(mutate(random, SCHEMA), StandardCharsets.UTF_8);
                NestedMode mode = NestedMode.values()[i % 3];
                RowReader r;
                try {
                    r = JsonSchemaDecoderTest.reader(schema, mode);
                    outcomes[0]++;
                } catch (SchemaException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    outcomes[1]++;
                    continue;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("schema " + i + " threw " + e + ":\n" + schema, e);
                }
                for (String seed : SEEDS) {
                    byte[] payload = seed.getBytes(StandardCharsets.UTF_8);
                    try {
                        r.read(payload, 0, payload.length, new Row());
                    } catch (DecodeException expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    } catch (RuntimeException | Error e) {
                        throw new AssertionError("schema " + i + " threw " + e + " on " + seed + ":\n" + schema, e);
                    }
                }
            }
        });
        assertThat(outcomes[0]).as("some mutated schemas still compile").isPositive();
        assertThat(outcomes[1]).as("some mutated schemas are refused").isPositive();
    }

    @Test
    void deeplyNestedAndHugePayloadsFailCleanly() throws Exception {
        List<byte[]> payloads = List.of(
                ("{\"extra\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8),
                ("{\"any\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                ("{\"tree\":" + "{\"kids\":[".repeat(3_000) + "]}".repeat(3_000) + "}").getBytes(StandardCharsets.UTF_8),
                ("{\"id\":" + "9".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8),
                ("{\"id\":1e" + "9".repeat(50) + "}").getBytes(StandardCharsets.UTF_8),
                ("{\"name\":\"" + "x".repeat(1_000_000)).getBytes(StandardCharsets.UTF_8));
        List<RowReader> readers = new ArrayList<>();
        for (NestedMode mode : NestedMode.values()) {
            readers.add(JsonSchemaDecoderTest.reader(SCHEMA, mode));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (RowReader r : readers) {
                for (byte[] payload : payloads) {
                    try {
                        r.read(payload, 0, payload.length, new Row());
                    } catch (DecodeException expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    }
                }
            }
        });
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
    private static byte[] mutate(Random random, String seed) {
        byte[] b = seed.getBytes(StandardCharsets.UTF_8);
        int edits = 1 + random.nextInt(4);
        byte[] structural = "{}[]\":,\\-+.eE0123456789tfn #/$".getBytes(StandardCharsets.UTF_8);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = random.nextBoolean() ? structural[random.nextInt(structural.length)] : (byte) random.nextInt(256);
                case 1 -> {
                    byte[] out = new byte[b.length + 1];
                    System.arraycopy(b, 0, out, 0, at);
                    out[at] = structural[random.nextInt(structural.length)];
                    System.arraycopy(b, at, out, at + 1, b.length - at);
                    b = out;
                }
                case 2 -> {
                    byte[] out = new byte[b.length - 1];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                    b = out;
                }
                case 3 -> b = Arrays.copyOf(b, Math.max(at, b.length - 8));
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
}
