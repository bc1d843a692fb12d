package io.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import io.sluice.format.DecodeException;
import io.sluice.manifest.ReadMode;
import io.sluice.manifest.SchemaOptions;
import io.sluice.manifest.SourceOptions;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.manifest.StartPosition;
import io.sluice.schema.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The column name rule and strict keys, as a run and {@code schema infer} apply them to whole records. */
class RecordDecoderTest {
    @TempDir
    Path dir;

    @Test
    void payloadFieldsNamedLikeSluicesColumnsNeverOverwriteThem() throws DecodeException {
        Map<String, Object> row = decode(json(), "k", "{\"_kafka_offset\":999,\"_kafka_key\":\"x\",\"_kafka_topic\":\"t\",\"v\":1}");

        assertThat(row).containsEntry("_kafka_offset", 42L).containsEntry("_kafka_key", "k").containsEntry("_kafka_topic", "orders")
                .containsEntry("_payload__kafka_offset", 999).containsEntry("_payload__kafka_key", "x")
                .containsEntry("_payload__kafka_topic", "t").containsEntry("v", 1);
    }

    @Test
    void headersBecomeAMapOfBytesWhenAskedForAndAPayloadFieldOfThatNameMovesAside() throws DecodeException {
        SourceOptions o = json();
        SourceOptions withHeaders = new SourceOptions(o.readMode(), o.resumeFromStored(), o.initial(), o.messageFormat(), o.nested(),
                o.separator(), o.batchSize(), o.batchMaxBytes(), o.batchTimeout(), o.pollTimeout(), o.onError(), o.groupId(),
                o.commitToKafka(), o.topicRefresh(), o.schemas(), true);
        ConsumerRecord<byte[], byte[]> kafka = new ConsumerRecord<>("orders", 0, 42L, null, bytes("{\"_kafka_headers\":1}"));
        kafka.headers().add("trace", new byte[] {1, 2}).add("empty", null).add("trace", new byte[] {(byte) 0xff});
        io.sluice.source.SourceRecord r = io.sluice.source.SourceRecord.of(kafka);
        Row row = new Row();
        RecordDecoder.open(withHeaders).decode(r, row);

        int h = -1;
        for (int i = 0; i < row.size(); i++) {
            if (row.name(i).equals("_kafka_headers")) {
                h = i;
            }
        }
        assertThat(row.type(h)).isEqualTo(RecordDecoder.HEADERS);
        Map<?, ?> headers = ((io.sluice.schema.MapValue) row.value(h)).entries();
        assertThat(new java.util.ArrayList<Object>(headers.keySet())).containsExactly("empty", "trace");
        assertThat((byte[]) headers.get("trace")).containsExactly((byte) 0xff);
        assertThat(headers.get("empty")).isNull();
        assertThat(toMap(row)).containsEntry("_payload__kafka_headers", 1);
        // without the option there is no such column
        assertThat(decode(json(), null, "{}")).doesNotContainKey("_kafka_headers");
    }

    @Test
    void anEmptyFieldNameBecomesPayload() throws DecodeException {
        assertThat(decode(json(), null, "{\"\":1}")).containsEntry("_payload_", 1).doesNotContainKey("");
    }

    @Test
    void collidingFieldsFailTheRecord() {
        assertThat(error(json(), null, "{\"Name\":1,\"name\":2}"))
                .isEqualTo("fields \"Name\" and \"name\" both make column \"name\" (column names ignore case)");
        assertThat(error(json(), null, "{\"a__b\":1,\"a\":{\"b\":2}}"))
                .isEqualTo("fields \"a__b\" and \"a\".\"b\" (nested, joined with \"__\"), or a repeated name, both make column \"a__b\"");
        assertThat(error(json(), null, "{\"a\":1,\"a\":2}")).isEqualTo("field \"a\" appears twice");
    }

    @Test
    void aKeyThatIsNotUtf8FailsLikeAValueWould() {
        byte[] key = {'k', (byte) 0xff, 'x'};
        DecodeException e = catchThrowableOfType(DecodeException.class,
                () -> RecordDecoder.open(json()).decode(io.sluice.source.SourceRecord.of(new ConsumerRecord<>("orders", 0, 42L, key, bytes("{}"))), new Row()));

        assertThat(e).hasMessage("key (key_format string) is not valid UTF-8 text: byte 0xff at byte 1; or set key_format: bytes"
                + " to keep such bytes as they are");
    }

    @Test
    void aKeyHoldingTheReplacementCharacterItselfIsKept() throws DecodeException {
        assertThat(decode(json(), "a\uFFFDb", "{}")).containsEntry("_kafka_key", "a\uFFFDb");
    }

    @Test
    void aStringValueThatIsNotUtf8SaysWhereAndWhatItLooksLike() {
        SourceOptions text = options(MessageFormat.STRING, SchemaOptions.none());
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> RecordDecoder.open(text)
                .decode(io.sluice.source.SourceRecord.of(new ConsumerRecord<>("orders", 0, 42L, null, new byte[] {0, 0, 0, 0, 3, (byte) 0xc3, 0x28})), new Row()));

        assertThat(e).hasMessage("value (message_format string) is not valid UTF-8 text: byte 0xc3 at byte 5; it starts with the"
                + " magic byte 0 of the Confluent wire format (schema id 3), so it was written through a schema registry: set"
                + " message_format: avro, protobuf or json_schema with a schema_registry_url; or set message_format: bytes to keep"
                + " such bytes as they are");
    }

    @Test
    void jsonSchemaPropertiesFollowTheSameRule() throws Exception {
        Path schema = dir.resolve("s.json");
        Files.writeString(schema, "{\"type\":\"object\",\"properties\":{\"\":{\"type\":\"integer\"},"
                + "\"_kafka_offset\":{\"type\":\"integer\"},\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"integer\"}}},"
                + "\"a__b\":{\"type\":\"integer\"}}}");
        SourceOptions options = options(MessageFormat.JSON_SCHEMA, new SchemaOptions(MessageFormat.STRING, Optional.empty(),
                Optional.of(schema), Optional.empty(), SchemaOptions.WireFormat.PLAIN, SchemaOptions.SubjectNameStrategy.TOPIC));

        assertThat(error(options, null, "{\"\":1,\"_kafka_offset\":2,\"a\":{\"b\":3},\"a__b\":4}")).isEqualTo(
                "fields \"a__b\" and \"a\".\"b\" (nested, joined with \"__\"), or a repeated name, both make column \"a__b\"");
    }

    @Test
    void jsonSchemaRenamesLikeJson() throws Exception {
        Path schema = dir.resolve("s.json");
        Files.writeString(schema, "{\"type\":\"object\",\"properties\":{\"\":{\"type\":\"integer\"},"
                + "\"_kafka_offset\":{\"type\":\"integer\"}}}");
        SourceOptions options = options(MessageFormat.JSON_SCHEMA, new SchemaOptions(MessageFormat.STRING, Optional.empty(),
                Optional.of(schema), Optional.empty(), SchemaOptions.WireFormat.PLAIN, SchemaOptions.SubjectNameStrategy.TOPIC));

        assertThat(decode(options, null, "{\"\":1,\"_kafka_offset\":2}")).containsEntry("_kafka_offset", 42L)
                .containsEntry("_payload_", 1L).containsEntry("_payload__kafka_offset", 2L);
        assertThat(error(options, null, "{\"_kafka_offset\":2,\"_kafka_offset\":3}"))
                .isEqualTo("the JSON object repeats field \"_kafka_offset\", so one of its values would be lost");
    }

    @Test
    void avroAndProtobufFieldsFollowTheSameRule() throws Exception {
        Path avsc = dir.resolve("s.avsc");
        Files.writeString(avsc, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"_kafka_offset\",\"type\":\"long\"},"
                + "{\"name\":\"a__b\",\"type\":\"int\"},{\"name\":\"a\",\"type\":{\"type\":\"record\",\"name\":\"A\",\"fields\":"
                + "[{\"name\":\"b\",\"type\":\"int\"}]}}]}");
        SourceOptions avro = options(MessageFormat.AVRO, new SchemaOptions(MessageFormat.STRING, Optional.empty(),
                Optional.of(avsc), Optional.empty(), SchemaOptions.WireFormat.PLAIN, SchemaOptions.SubjectNameStrategy.TOPIC));
        byte[] payload = {(byte) 0xce, 0x0f, 2, 4}; // 999, 1, 2 as zig-zag varints
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> RecordDecoder.open(avro)
                .decode(io.sluice.source.SourceRecord.of(new ConsumerRecord<>("orders", 0, 42L, null, payload)), new Row()));
        assertThat(e).hasMessage("fields \"a__b\" and \"a\".\"b\" (nested, joined with \"__\"), or a repeated name, both make column \"a__b\"");

        Path proto = dir.resolve("s.proto");
        Files.writeString(proto, "syntax = \"proto3\";\nmessage M {\n  int64 _kafka_offset = 1;\n  string _KAFKA_KEY = 2;\n}\n");
        SourceOptions protobuf = options(MessageFormat.PROTOBUF, new SchemaOptions(MessageFormat.STRING, Optional.empty(),
                Optional.of(proto), Optional.of("M"), SchemaOptions.WireFormat.PLAIN, SchemaOptions.SubjectNameStrategy.TOPIC));
        Row row = new Row();
        RecordDecoder.open(protobuf).decode(io.sluice.source.SourceRecord.of(new ConsumerRecord<>("orders", 0, 42L, bytes("k"),
                new byte[] {0x08, (byte) 0xe7, 0x07, 0x12, 1, 'x'})), row);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.value(i));
        }
        assertThat(out).contains(entry("_kafka_offset", 42L), entry("_kafka_key", "k"), entry("_payload__kafka_offset", 999L),
                entry("_payload__KAFKA_KEY", "x"));
    }

    private static Map<String, Object> decode(SourceOptions options, String key, String value) throws DecodeException {
        Row row = new Row();
        RecordDecoder.open(options).decode(record(key, value), row);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            assertThat(out.put(row.name(i), row.value(i))).as("column " + row.name(i) + " once").isNull();
        }
        return out;
    }

    private static Map<String, Object> toMap(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.value(i));
        }
        return out;
    }

    private static String error(SourceOptions options, String key, String value) {
        DecodeException e = catchThrowableOfType(DecodeException.class,
                () -> RecordDecoder.open(options).decode(record(key, value), new Row()));
        assertThat(e).as("the record fails").isNotNull();
        return e.getMessage();
    }

    private static io.sluice.source.SourceRecord record(String key, String value) {
        return io.sluice.source.SourceRecord.of(new ConsumerRecord<>("orders", 0, 42L, key == null ? null : bytes(key), bytes(value)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static SourceOptions json() {
        return options(MessageFormat.JSON, SchemaOptions.none());
    }

    private static SourceOptions options(MessageFormat format, SchemaOptions schemas) {
        return new SourceOptions(new ReadMode.ToHighWatermark(), true, new StartPosition.Earliest(), format,
                NestedMode.FLATTEN, "__", 50_000, 64L << 20, Duration.ofSeconds(1), Duration.ofMillis(500), OnError.FAIL,
                Optional.empty(), false, Duration.ofSeconds(30), schemas);
    }
}
