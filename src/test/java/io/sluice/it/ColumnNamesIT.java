package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The column name rule and strict keys end to end (issue 9, cases 2, 3, 4, 9, 17): payload fields never overwrite
 * the {@code _kafka_*} columns, colliding or unusable names fail the record naming it, and {@code on_error: skip}
 * routes around them; {@code schema infer} shows the same columns a run makes.
 */
class ColumnNamesIT {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    @Test
    void payloadNamesNeverOverwriteSluicesColumnsAndCollisionsFailTheRecord() {
        String topic = Sluice.unique("names");
        TestBroker.createTopic(topic, 1);
        produce(topic, List.of(
                "{\"_kafka_offset\":999,\"_kafka_key\":\"x\",\"_kafka_partition\":7,\"_KAFKA_TOPIC\":\"t\",\"v\":0}",
                "{\"\":1,\"v\":1}",
                "{\"Name\":\"a\",\"name\":\"b\"}",
                "{\"a__b\":1,\"a\":{\"b\":2}}",
                "{\"a b.c\\\"d\":1,\"\u65e5\u672c\":2,\"v\":4}",
                "{\"v\":5,\"x\":{\"\":6}}"));
        String base = Manifests.duckdb("names", "topics: [" + topic + "]", "{batch_size: 100}", "t");

        Sluice.Result failed = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, base).toString());
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.stderr()).contains(topic + "/0@2: fields \"Name\" and \"name\" both make column \"name\""
                + " (column names ignore case) (nothing of this batch was committed; set source.options.on_error: skip");

        Sluice.Result infer = Sluice.run(dir, Map.of(), "schema", "infer", Sluice.manifest(dir, base).toString());
        assertThat(infer.exit()).as(infer.toString()).isZero();
        assertThat(infer.stdout()).containsPattern("_payload_ +INTEGER").containsPattern("_payload__kafka_offset +INTEGER")
                .contains("\"_payload_\" INTEGER").doesNotContain("\"\" INTEGER");
        assertThat(infer.stderr()).contains(topic + "/0@2: fields \"Name\" and \"name\"")
                .contains(topic + "/0@3: fields \"a__b\" and \"a\".\"b\" (nested, joined with \"__\"), or a repeated name,"
                        + " both make column \"a__b\"");

        Sluice.Result skipped = Sluice.run(dir, Map.of(), "run",
                Sluice.manifest(dir, base.replace("{batch_size: 100}", "{batch_size: 100, on_error: skip}")).toString());
        assertThat(skipped.exit()).as(skipped.toString()).isZero();
        assertThat(skipped.stderr()).contains("read 6, written 4, skipped 2")
                .contains("skipped record " + topic + "/0@3: fields \"a__b\" and \"a\".\"b\"");
        assertThat(Sluice.query(db(), "select _kafka_topic, _kafka_partition, _kafka_offset, _kafka_key, _payload__kafka_offset,"
                + " _payload__kafka_partition, _payload__kafka_key, _payload__KAFKA_TOPIC, _payload_, \"a b.c\"\"d\", \"\u65e5\u672c\","
                + " x__, v from t order by _kafka_offset")).containsExactly(
                Arrays.asList(topic, 0, 0L, "k0", 999, 7, "x", "t", null, null, null, null, 0),
                Arrays.asList(topic, 0, 1L, "k1", null, null, null, null, 1, null, null, null, 1),
                Arrays.asList(topic, 0, 4L, "k4", null, null, null, null, null, 1, 2, null, 4),
                Arrays.asList(topic, 0, 5L, "k5", null, null, null, null, null, null, null, 6, 5));
        assertThat(Sluice.queryLong(db(), "select next_offset from _sluice_offsets where pipeline = 'names'")).isEqualTo(6);
    }

    @Test
    void aKeyThatIsNotUtf8FailsNamingTheRecordAndSkipSkipsIt() {
        String topic = Sluice.unique("badkey");
        TestBroker.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
            p.send(new ProducerRecord<>(topic, 0, bytes("k0"), bytes("{\"v\":0}")));
            p.send(new ProducerRecord<>(topic, 0, new byte[] {'k', (byte) 0xff}, bytes("{\"v\":1}")));
            p.send(new ProducerRecord<>(topic, 0, bytes("k2"), new byte[] {0, 0, 0, 0, 5, 2, 'x'}));
            p.send(new ProducerRecord<>(topic, 0, bytes("k3"), bytes("{\"v\":NaN}")));
            p.send(new ProducerRecord<>(topic, 0, bytes("k4"), bytes("{\"v\":4}")));
            p.flush();
        }
        String base = Manifests.duckdb("badkey", "topics: [" + topic + "]", "{batch_size: 100}", "t");

        Sluice.Result failed = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, base).toString());
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.stderr()).contains(topic + "/0@1: key (key_format string) is not valid UTF-8 text: byte 0xff at byte 1;"
                + " or set key_format: bytes to keep such bytes as they are");

        Sluice.Result skipped = Sluice.run(dir, Map.of(), "run",
                Sluice.manifest(dir, base.replace("{batch_size: 100}", "{batch_size: 100, on_error: skip}")).toString());
        assertThat(skipped.exit()).as(skipped.toString()).isZero();
        assertThat(skipped.stderr()).contains("read 5, written 2, skipped 3")
                .contains("skipped record " + topic + "/0@2: value is not JSON: it starts with the magic byte 0 of the Confluent"
                        + " wire format (schema id 5), so it was written through a schema registry: set message_format: avro,"
                        + " protobuf or json_schema with a schema_registry_url")
                .contains("skipped record " + topic + "/0@3: not valid JSON at byte 8: NaN is not a JSON number")
                .doesNotContain("JsonReadFeature").doesNotContain("UTF-32");
        assertThat(Sluice.query(db(), "select _kafka_offset, _kafka_key from t order by _kafka_offset"))
                .containsExactly(Arrays.asList(0L, "k0"), Arrays.asList(4L, "k4"));
    }

    @Test
    void structFieldsSpelledInAnotherCaseShareTheirFieldAndCollisionsInOneRecordAreSkipped() {
        String topic = Sluice.unique("struct-names");
        TestBroker.createTopic(topic, 1);
        produce(topic, List.of("{\"s\":{\"Name\":1}}", "{\"s\":{\"name\":2}}", "{\"s\":{\"Name\":3,\"name\":4}}", "{\"s\":{\"\":5}}"));
        String m = Manifests.duckdb("structs", "topics: [" + topic + "]", "{batch_size: 100, nested: struct, on_error: skip}", "t");

        Sluice.Result r = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, m).toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("read 4, written 2, skipped 2")
                .contains("skipped record " + topic + "/0@2: struct fields \"s\".\"Name\" and \"s\".\"name\" differ only in case")
                .contains("skipped record " + topic + "/0@3: struct field \"s\".\"\" has an empty name");
        produce(topic, List.of("{\"s\":{\"NAME\":6}}"));
        r = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, m).toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Sluice.query(db(), "select data_type from information_schema.columns where table_name = 't' and column_name = 's'"))
                .containsExactly(List.of("STRUCT(\"Name\" INTEGER)"));
        assertThat(Sluice.query(db(), "select _kafka_offset, s.Name from t order by _kafka_offset"))
                .containsExactly(Arrays.asList(0L, 1), Arrays.asList(1L, 2), Arrays.asList(4L, 6));
    }

    private static void produce(String topic, List<String> values) {
        try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
            for (int i = 0; i < values.size(); i++) {
                p.send(new ProducerRecord<>(topic, 0, bytes("k" + i), bytes(values.get(i))));
            }
            p.flush();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
