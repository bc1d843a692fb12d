package io.sluice.format.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.dev.EventEncoder;
import io.sluice.dev.SensorEvents;
import io.sluice.format.DecodeException;
import io.sluice.format.WireFormat;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated payloads against the Avro decoder: every outcome is a row or a {@link DecodeException};
 * never another exception, a hang or a huge allocation.
 */
class AvroDecoderFuzzTest {
    @TempDir
    Path dir;

    @Test
    void randomAndMutatedPayloadsOnlyEverFailWithADecodeException() throws Exception {
        String avsc = EventEncoder.schemaText(MessageFormat.AVRO);
        Path file = dir.resolve("sensor.avsc");
        Files.writeString(file, avsc);
        AvroDecoder plain = AvroDecoder.withSchemaFile(file, false, NestedMode.FLATTEN, "__");
        AvroDecoder structs = AvroDecoder.withSchemaFile(file, true, NestedMode.STRUCT, "__");
        List<byte[]> valid = validPayloads(avsc);

        SplittableRandom random = new SplittableRandom(20261121);
        int decoded = 0;
        int rejected = 0;
        Row row = new Row();
        for (int i = 0; i < 6000; i++) {
            byte[] base = valid.get(random.nextInt(valid.size()));
            byte[] input = switch (i % 6) {
                case 0 -> randomBytes(random, random.nextInt(64));
                case 1 -> flip(random, base);
                case 2 -> Arrays.copyOf(base, random.nextInt(base.length));
                case 3 -> insert(random, base);
                case 4 -> varintBomb(random, base);
                default -> base;
            };
            for (AvroDecoder d : List.of(plain, structs)) {
                byte[] payload = d == structs ? WireFormat.frame(1, new byte[0], input) : input;
                row.clear();
                try {
                    d.decode(payload, row);
                    decoded++;
                } catch (DecodeException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    rejected++;
                } catch (RuntimeException | OutOfMemoryError e) {
                    fail("input " + Arrays.toString(input) + " threw " + e, e);
                }
            }
        }
        // both outcomes occur, so the mutations reach the decoder's checks
        assertThat(decoded).isGreaterThan(1000);
        assertThat(rejected).isGreaterThan(1000);
    }

    private static List<byte[]> validPayloads(String avsc) throws Exception {
        Schema schema = new Schema.Parser().parse(avsc);
        SensorEvents events = new SensorEvents(7, 10, Instant.parse("2026-01-01T00:00:00Z"), 1000);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] framed = avroOf(schema, events.next());
            out.add(Arrays.copyOfRange(framed, WireFormat.HEADER, framed.length));
        }
        return out;
    }

    /** The event as Avro binary, written by Avro's own reader and writer from its Avro-JSON form, framed as id 1. */
    private static byte[] avroOf(Schema schema, byte[] json) throws Exception {
        org.apache.avro.io.Decoder jd = org.apache.avro.io.DecoderFactory.get().jsonDecoder(schema, jsonForAvro(json));
        GenericRecord r = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(schema).read(null, jd);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, e);
        e.flush();
        return WireFormat.frame(1, new byte[0], out.toByteArray());
    }

    /** A minimal Avro-JSON form of a sensor event: the fields the schema needs, unions spelled out. */
    private static String jsonForAvro(byte[] json) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(json);
        n.put("event_time", Instant.parse(n.get("event_time").asText()).toEpochMilli() * 1000);
        n.put("quality_score", new String(new java.math.BigDecimal(n.get("quality_score").asText()).setScale(3)
                .unscaledValue().toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
        for (String u : List.of("alert", "maintenance")) {
            if (n.has(u)) {
                com.fasterxml.jackson.databind.node.ObjectNode wrap = m.createObjectNode();
                wrap.set("io.sluice.sample." + Character.toUpperCase(u.charAt(0)) + u.substring(1), n.get(u));
                n.set(u, wrap);
            } else {
                n.putNull(u);
            }
        }
        if (n.has("operator_id")) {
            com.fasterxml.jackson.databind.node.ObjectNode wrap = m.createObjectNode();
            wrap.set("string", n.get("operator_id"));
            n.set("operator_id", wrap);
        } else {
            n.putNull("operator_id");
        }
        if (!n.has("tags")) {
            n.putArray("tags");
        }
        return n.toString();
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static byte[] flip(SplittableRandom r, byte[] base) {
        byte[] b = base.clone();
        for (int k = 0; k < 1 + r.nextInt(4); k++) {
            int i = r.nextInt(b.length);
            b[i] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }

    private static byte[] insert(SplittableRandom r, byte[] base) {
        int at = r.nextInt(base.length + 1);
        byte[] extra = randomBytes(r, 1 + r.nextInt(8));
        byte[] b = new byte[base.length + extra.length];
        System.arraycopy(base, 0, b, 0, at);
        System.arraycopy(extra, 0, b, at, extra.length);
        System.arraycopy(base, at, b, at + extra.length, base.length - at);
        return b;
    }

    /** Overwrites a spot with a huge varint: a length or count that claims gigabytes. */
    private static byte[] varintBomb(SplittableRandom r, byte[] base) {
        byte[] b = base.clone();
        int at = r.nextInt(Math.max(1, b.length - 5));
        b[at] = (byte) 0xfe;
        b[at + 1] = (byte) 0xff;
        b[at + 2] = (byte) 0xff;
        b[at + 3] = (byte) 0xff;
        b[at + 4] = (byte) 0x0f;
        return b;
    }
}
