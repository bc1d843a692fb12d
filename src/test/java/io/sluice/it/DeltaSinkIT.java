package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.it.delta.DeltaTableReader;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: delta} on a local directory, through {@code bin/sluice} against the test broker, read back without Delta
 * Kernel ({@link DeltaTableReader}): partition values of every kind (a slash and an equals sign, an empty string, a null,
 * a value too long for a directory name, non-ASCII), a day of a timestamp as a partition column, many small commits with
 * checkpoints, schema evolution across runs, {@code sluice query}, and tables Sluice must refuse.
 */
class DeltaSinkIT {
    @TempDir
    Path dir;

    private static String manifest(String name, String topic, String sink) {
        return """
                name: %s
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 5000}
                  topics: [%s]
                  options: {batch_size: 50}
                %s
                """.formatted(name, TestBroker.bootstrap(), topic, sink);
    }

    @Test
    void partitionsCheckpointsEvolvesAndReadsBackExactly() throws Exception {
        String topic = Sluice.unique("delta-parts");
        TestBroker.createTopic(topic, 2);
        String longValue = "x".repeat(300);
        String[] regions = {"eu", "a/b=c", "", null, longValue, "Zürich 東京", "null", "__HIVE_DEFAULT_PARTITION__"};
        TestBroker.produceJson(topic, 2, 400, i -> {
            String r = regions[i % regions.length];
            return "{\"id\":" + i + ",\"region\":" + (r == null ? "null" : "\"" + r + "\"") + ",\"v\":" + (i % 7)
                    + ",\"nested\":{\"a\":" + i + ",\"b\":\"s" + i + "\"},\"tags\":[\"t" + (i % 3) + "\"]}";
        });
        String sink = """
                sink:
                  type: delta
                  path: lake
                  table: events
                  commit_interval_ms: 0
                  checkpoint_interval: 3
                  partition_by: [{column: region}, {column: _kafka_timestamp, transform: day}]
                  table_properties: {delta.appendOnly: "true", my.owner: data-team}
                """;
        Path m = Sluice.manifest(dir, manifest("dp", topic, sink));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ");

        Path table = dir.resolve("lake/events");
        DeltaTableReader t = DeltaTableReader.latest(table);
        assertThat(t.version()).as("one commit per batch of 50 (versions 0..7)").isGreaterThanOrEqualTo(7);
        assertThat(t.checkpointVersion()).as("checkpoint_interval: 3").isGreaterThan(0);
        assertThat(t.properties()).containsEntry("delta.appendOnly", "true").containsEntry("my.owner", "data-team")
                .containsEntry("delta.columnMapping.mode", "name").containsEntry("delta.checkpointInterval", "3");
        assertThat(t.partitionColumns()).containsExactly("region", "_kafka_timestamp_day");
        assertThat(t.columns()).contains(new Column("_kafka_timestamp_day", Scalar.DATE), new Column("region", Scalar.VARCHAR));
        var reader = t.reader();
        assertThat(reader.count()).isEqualTo(400);
        assertThat(reader.distinctPositions()).isEqualTo(400);
        for (int k = 0; k < regions.length; k++) {
            String r = regions[k];
            // Delta keeps an empty partition value as a null, as Spark does
            String where = r == null || r.isEmpty() ? "region IS NULL" : "region = '" + r.replace("'", "''") + "'";
            long expected = r == null || r.isEmpty() ? 100 : 50;
            assertThat(reader.scalar("SELECT count(*) FROM delta_table WHERE " + where)).as("region %s", r).isEqualTo(expected);
        }
        assertThat(reader.scalar("SELECT count(*) FROM delta_table WHERE _kafka_timestamp_day = CAST(_kafka_timestamp AS DATE)"))
                .isEqualTo(400);
        assertThat(reader.scalar("SELECT count(*) FROM delta_table WHERE nested__a = id AND nested__b = 's' || id"))
                .isEqualTo(400);
        assertThat(reader.scalar("SELECT count(*) FROM delta_table WHERE tags::VARCHAR LIKE '%t' || (id % 3) || '%'"))
                .isEqualTo(400);
        // every data file has statistics Kernel did not make up: its row count matches the file (checked by the reader)
        assertThat(t.files()).allSatisfy(f -> assertThat(f.numRecords()).isPositive());
        try (Stream<Path> s = Files.walk(table)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".crc.crc"))).as("no Hadoop checksum files").isEmpty();
        }

        // evolution in a second run: a new column, and id widened from INTEGER to BIGINT
        TestBroker.produceJson(topic, 2, 100, i -> "{\"id\":" + (5_000_000_000L + i) + ",\"region\":\"eu\",\"v\":1,"
                + "\"note\":\"n" + i + "\"}");
        Sluice.Result second = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(second.exit()).as(second.toString()).isZero();
        DeltaTableReader after = DeltaTableReader.latest(table);
        assertThat(after.columns()).contains(new Column("id", Scalar.BIGINT), new Column("note", Scalar.VARCHAR));
        var r2 = after.reader();
        assertThat(r2.count()).isEqualTo(500);
        assertThat(r2.distinctPositions()).isEqualTo(500);
        assertThat(r2.scalar("SELECT count(*) FROM delta_table WHERE note IS NOT NULL AND id >= 5000000000")).isEqualTo(100);
        assertThat(after.history().stream().anyMatch(c -> c.schemaChanged())).isTrue();

        // sluice query sees the same table
        Sluice.Result q = Sluice.run(dir, Map.of(), "query", m.toString(), "--format", "json",
                "select count(*) as n, count(distinct region) as regions, max(id) as top, count(note) as notes from events");
        assertThat(q.exit()).as(q.toString()).isZero();
        JsonNode row = new ObjectMapper().readTree(q.stdout()).get(0);
        assertThat(row.get("n").asLong()).isEqualTo(500);
        assertThat(row.get("regions").asLong()).isEqualTo(6);
        assertThat(row.get("top").asLong()).isEqualTo(5_000_000_099L);
        assertThat(row.get("notes").asLong()).isEqualTo(100);

        // a run with another partition_by stops before writing, naming both
        String other = sink.replace("partition_by: [{column: region}, {column: _kafka_timestamp, transform: day}]",
                "partition_by: [{column: v}]");
        TestBroker.produceJson(topic, 2, 10, i -> "{\"id\":" + i + ",\"region\":\"eu\",\"v\":1}");
        Sluice.Result changed = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, manifest("dp", topic, other)).toString());
        assertThat(changed.exit()).as(changed.toString()).isEqualTo(3);
        assertThat(changed.stderr()).contains("is partitioned by [region, _kafka_timestamp_day]").contains("[v]")
                .doesNotContain("\tat ");
        assertThat(DeltaTableReader.latest(table).version()).isEqualTo(after.version());
    }

    @Test
    void aPartitionColumnTheDataLacksStopsTheFirstBatchNamingIt() throws Exception {
        String topic = Sluice.unique("delta-nocol");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 5, i -> "{\"id\":" + i + "}");
        Path m = Sluice.manifest(dir, manifest("dn", topic, "sink: {type: delta, path: lake, table: t, partition_by: [{column: region}]}"));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("table t has no column region, which sink.partition_by names").doesNotContain("\tat ");
        assertThat(dir.resolve("lake/t/_delta_log")).doesNotExist();
    }

    @Test
    void aTableWithFeaturesSluiceCannotWriteIsRefusedBeforeWriting() throws Exception {
        String topic = Sluice.unique("delta-dv");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 5, i -> "{\"id\":" + i + "}");
        // a table another tool made, with deletion vectors on
        Path log = Files.createDirectories(dir.resolve("lake/t/_delta_log"));
        Files.writeString(log.resolve("00000000000000000000.json"), String.join("\n",
                "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
                        + "\"writerFeatures\":[\"deletionVectors\"]}}",
                "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
                        + "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
                        + "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],\"configuration\":"
                        + "{\"delta.enableDeletionVectors\":\"true\"},\"createdTime\":1}}",
                "{\"commitInfo\":{\"timestamp\":1,\"operation\":\"CREATE TABLE\"}}") + "\n");
        Path m = Sluice.manifest(dir, manifest("dv", topic, "sink: {type: delta, path: lake, table: t}"));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("uses table features Sluice cannot write: deletionVectors").doesNotContain("\tat ");
        assertThat(log.resolve("00000000000000000001.json")).doesNotExist();
    }

    @Test
    void validateListsEveryProblemOfTheDeltaSection() throws Exception {
        Path m = Sluice.manifest(dir, manifest("bad", "t", """
                sink:
                  type: delta
                  path: lake
                  checkpoint_interval: 0
                  compression: lz5
                  table_properties: {delta.columnMapping.mode: id, delta.enableDeletionVectors: "true"}
                """));
        Sluice.Result r = Sluice.run(dir, Map.of(), "validate", m.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr() + r.stdout()).contains("sink.checkpoint_interval").contains("sink.compression")
                .contains("delta.columnMapping.mode").contains("delta.enableDeletionVectors");
    }
}
