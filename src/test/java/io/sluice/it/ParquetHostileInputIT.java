package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sink.type: parquet} end to end with hostile input, as a user runs it: partition values and column names that
 * are not directory names, under a locale that is not UTF-8, read back by {@code sluice query}; a changed
 * {@code partition_by} and a table template that would leave {@code sink.path}.
 */
class ParquetHostileInputIT {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void hostilePartitionValuesLandInOneLevelEachAndQueryBackExactly() throws Exception {
        String topic = Sluice.unique("pq-hostile");
        TestBroker.createTopic(topic, 1);
        List<String> regions = List.of("a/b", "..", "x=y", "%", "", "null", "__HIVE_DEFAULT_PARTITION__", "Z\u00fcrich",
                "\u65e5\u672c", "L".repeat(300));
        try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
            for (int i = 0; i < regions.size(); i++) {
                String value = JSON.createObjectNode().put("i", i).put("region", regions.get(i)).put("a/b", "v" + i).toString();
                p.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        String manifest = manifest(topic, "[{column: region}, {column: \"a/b\"}, {column: _kafka_timestamp, transform: day}]");

        // LC_ALL=C: a JVM that names files in ASCII could not create region=Zürich; bin/sluice picks a UTF-8 locale
        Sluice.Result run = Sluice.run(dir, Map.of("LC_ALL", "C"), "run", manifest);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("column region holds a value of 300 bytes (first in record " + topic + "/0@9), too"
                + " long for a partition directory name").doesNotContain("CodecPool").doesNotContain("Exception");
        Path table = dir.resolve("lake").resolve(tableName(topic));
        try (Stream<Path> files = Files.walk(table)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                Path rel = table.relativize(f);
                assertThat(rel.getNameCount()).as(rel.toString()).isEqualTo(4);
                assertThat(rel.getName(0).toString()).startsWith("region=");
                assertThat(rel.getName(1).toString()).startsWith("a%2Fb=v");
                assertThat(rel.getName(2).toString()).startsWith("_kafka_timestamp_day=20");
            }
        }

        Sluice.Result q = Sluice.run(dir, Map.of(), "query", manifest, "--format", "json",
                "select i, region, \"a/b\", typeof(_kafka_timestamp_day) as day from " + tableName(topic) + " order by i");
        assertThat(q.exit()).as(q.toString()).isZero();
        List<String> back = new ArrayList<>();
        for (JsonNode r : JSON.readTree(q.stdout())) {
            assertThat(r.get("a/b").asText()).isEqualTo("v" + r.get("i").asInt());
            assertThat(r.get("day").asText()).isEqualTo("DATE");
            back.add(r.get("region").asText());
        }
        assertThat(back).containsExactlyElementsOf(regions);

        produceOne(topic);
        Sluice.Result changed = Sluice.run(dir, Map.of(), "run", manifest(topic, "[{column: i}]"));
        assertThat(changed.exit()).as(changed.toString()).isEqualTo(3);
        assertThat(changed.stderr()).contains("table " + tableName(topic) + " in " + table + " holds files partitioned"
                + " by [{column: region}, {column: a/b}, {column: _kafka_timestamp, transform: day}], as its ledger records, but"
                + " sink.partition_by now says [{column: i}]").doesNotContain("Exception");
    }

    @Test
    void aTableTemplateThatWouldLeaveThePathIsRefusedBeforeAnythingRuns() {
        Sluice.Result r = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, """
                name: escape
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 5000}
                  topics: [t]
                sink: {type: parquet, path: lake, table: "../{topic", compression: LZ4}
                """.formatted(TestBroker.bootstrap())).toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("pipeline.yaml:6: sink.table: \"../{topic\" is not a valid table directory name")
                .contains("pipeline.yaml:6: sink.compression: \"LZ4\" is not allowed (allowed: zstd, snappy, gzip, none)")
                .contains("(2 problems)");
        assertThat(Files.exists(dir.resolve("lake"))).isFalse();
    }

    private String manifest(String topic, String partitionBy) {
        return Sluice.manifest(dir, """
                name: hostile
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 5000}
                  topics: [%s]
                sink: {type: parquet, path: lake, partition_by: %s}
                """.formatted(TestBroker.bootstrap(), topic, partitionBy)).toString();
    }

    private static void produceOne(String topic) {
        try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
            p.send(new ProducerRecord<>(topic, 0, null, "{\"i\":99,\"region\":\"eu\"}".getBytes(StandardCharsets.UTF_8)));
            p.flush();
        }
    }

    private static String tableName(String topic) {
        return io.sluice.schema.Names.safeIdentifier(topic);
    }
}
