package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import io.sluice.format.DecodeException;
import io.sluice.format.Decoder;
import io.sluice.format.WireFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random bytes and mutations of valid framed payloads: every outcome is a row or a {@link DecodeException},
 * never another exception and never a hang.
 */
class ProtobufDecoderFuzzTest {
    private static final String SCHEMA = """
            syntax = "proto3";
            package fuzz;
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/duration.proto";
            import "google/protobuf/wrappers.proto";
            import "google/protobuf/struct.proto";
            enum Kind { K0 = 0; K1 = 1; }
            message Event {
              message Reading { string sensor = 1; double value = 2; repeated sint64 deltas = 3; }
              string id = 1;
              uint64 seq = 2;
              fixed32 code = 3;
              Kind kind = 4;
              repeated Reading readings = 5;
              map<int32, Reading> by_slot = 6;
              map<string, string> tags = 7;
              google.protobuf.Timestamp at = 8;
              google.protobuf.Duration took = 9;
              google.protobuf.DoubleValue score = 10;
              google.protobuf.Struct extra = 11;
              Event parent = 12;
              oneof payload { bytes raw = 13; string text = 14; Reading single = 15; }
              optional float ratio = 16;
            }
            """;

    @TempDir
    Path dir;

    @Test
    void randomAndMutatedPayloadsDecodeOrFailWithADecodeException() throws Exception {
        Path file = dir.resolve("fuzz.proto");
        Files.writeString(file, SCHEMA);
        Descriptor d = ProtobufDecoderTest.message(SCHEMA, "fuzz.Event");
        List<Decoder> decoders = new ArrayList<>();
        for (NestedMode mode : NestedMode.values()) {
            decoders.add(ProtobufDecoder.withSchemaFile(file, Optional.of("fuzz.Event"), true, mode, "__"));
        }
        Decoder plain = ProtobufDecoder.withSchemaFile(file, Optional.of("fuzz.Event.Reading"), false, NestedMode.FLATTEN, "__");
        List<byte[]> seeds = seeds(d);
        Random random = new Random(20260101L);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 4000; i++) {
                byte[] input = i % 10 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
                Decoder decoder = i % 7 == 0 ? plain : decoders.get(random.nextInt(decoders.size()));
                outcomes[attempt(decoder, input) ? 0 : 1]++;
            }
        });
        // both outcomes must occur, or the mutations are not reaching the decoder
        assertThat(outcomes[0]).isGreaterThan(100);
        assertThat(outcomes[1]).isGreaterThan(100);
    }

    private static boolean attempt(Decoder decoder, byte[] input) {
        Row row = new Row();
        try {
            decoder.decode(input, row);
            return true;
        } catch (DecodeException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        } catch (Throwable t) {
            return fail("input " + HexFormat.of().formatHex(input) + " threw " + t, t);
        }
    }

    private static List<byte[]> seeds(Descriptor d) {
        Descriptor reading = d.findNestedTypeByName("Reading");
        DynamicMessage r = ProtobufDecoderTest.build(reading, Map.of("sensor", "t1", "value", 21.5, "deltas", List.of(-1L, 300L)));
        DynamicMessage parent = ProtobufDecoderTest.build(d, Map.of("id", "p", "kind", 1));
        List<byte[]> out = new ArrayList<>();
        out.add(framed(new int[] {0}, ProtobufDecoderTest.build(d, Map.of("id", "e1")).toByteArray()));
        out.add(framed(new int[] {0}, DynamicMessage.newBuilder(d)
                .setField(d.findFieldByName("id"), "e2")
                .setField(d.findFieldByName("seq"), -5L)
                .setField(d.findFieldByName("code"), 77)
                .addRepeatedField(d.findFieldByName("readings"), r)
                .addRepeatedField(d.findFieldByName("readings"), r)
                .addRepeatedField(d.findFieldByName("by_slot"), ProtobufDecoderTest.entry(d, "by_slot", 3, r))
                .addRepeatedField(d.findFieldByName("tags"), ProtobufDecoderTest.entry(d, "tags", "a", "b"))
                .setField(d.findFieldByName("at"), Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5).build())
                .setField(d.findFieldByName("took"), com.google.protobuf.Duration.newBuilder().setSeconds(3).build())
                .setField(d.findFieldByName("score"), com.google.protobuf.DoubleValue.of(0.5))
                .setField(d.findFieldByName("extra"), com.google.protobuf.Struct.newBuilder().putFields("k",
                        com.google.protobuf.Value.newBuilder().setStringValue("v").build()).build())
                .setField(d.findFieldByName("parent"), parent)
                .setField(d.findFieldByName("single"), r)
                .setField(d.findFieldByName("ratio"), 0.25f)
                .build().toByteArray()));
        out.add(framed(new int[] {2, 0, 0}, ProtobufDecoderTest.build(d, Map.of("raw", ByteString.copyFrom(new byte[40])))
                .toByteArray()));
        out.add(r.toByteArray());
        return out;
    }

    private static byte[] framed(int[] indexes, byte[] payload) {
        return WireFormat.frame(1, MessageIndexes.encode(indexes), payload);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        if (b.length > 0 && random.nextBoolean()) {
            b[0] = 0; // get past the magic byte more often
        }
        return b;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds && b.length > 0; r++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] insert = new byte[1 + random.nextInt(6)];
                    random.nextBytes(insert);
                    byte[] out = new byte[b.length + insert.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(insert, 0, out, at, insert.length);
                    System.arraycopy(b, at, out, at + insert.length, b.length - at);
                    b = out;
                }
                case 3 -> b[at] = (byte) 0xFF;
                default -> b[at] = (byte) random.nextInt(256);
            }
        }
        return b;
    }
}
