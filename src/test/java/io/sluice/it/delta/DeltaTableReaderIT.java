package io.sluice.it.delta;

import static io.sluice.it.delta.DeltaFixtures.APP_ID;
import static io.sluice.it.delta.DeltaFixtures.DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.it.contract.DuckDbReader;
import io.sluice.it.delta.DeltaTableReader.Commit;
import io.sluice.it.delta.DeltaTableReader.LiveFile;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaTableReader} against tables Delta Kernel wrote ({@link DeltaFixtures#events}): partitions (a null one,
 * one needing escaping), an added column, int to long widening, a checkpoint, time travel, a compaction's removes;
 * and tables it must refuse rather than misread.
 */
class DeltaTableReaderIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path events;

    @BeforeAll
    static void writeFixtures() {
        events = DeltaFixtures.events(dir.resolve("events")).path();
    }

    @Test
    void readsTheLatestVersionThroughItsCheckpoint() {
        DeltaTableReader t = DeltaTableReader.latest(events);
        assertThat(t.version()).isEqualTo(5);
        assertThat(t.checkpointVersion()).isEqualTo(3);
        assertThat(t.protocol().readerFeatures()).contains("columnMapping", "typeWidening");
        assertThat(t.properties()).containsEntry("delta.columnMapping.mode", "name");
        assertThat(t.partitionColumns()).containsExactly("region", "day");
        assertThat(t.columns()).containsExactly(
                new Column("_kafka_partition", Scalar.INTEGER), new Column("_kafka_offset", Scalar.BIGINT),
                new Column("id", Scalar.BIGINT), new Column("region", Scalar.VARCHAR), new Column("day", Scalar.DATE),
                new Column("reading", Scalar.BIGINT), new Column("ts", Scalar.TIMESTAMP), new Column("price", new Decimal(10, 2)),
                new Column("tags", new ListOf(Scalar.VARCHAR)), new Column("attrs", new MapOf(Scalar.VARCHAR, Scalar.BIGINT)),
                new Column("device", new Struct(List.of(new Field("name", Scalar.VARCHAR), new Field("fw", Scalar.INTEGER)))),
                new Column("note", Scalar.VARCHAR));

        DuckDbReader r = t.reader();
        assertThat(r.columns()).isEqualTo(t.columns());
        List<Map<String, String>> rows = r.rows();
        assertThat(rows).extracting(row -> row.get("_kafka_offset")).containsExactly("0", "1", "2", "3", "4", "5", "6");
        assertThat(rows.get(0)).isEqualTo(row(0, "eu", "2026-01-01", "20", null));
        assertThat(rows.get(1)).containsEntry("reading", null).containsEntry("tags", null);
        assertThat(rows.get(2)).isEqualTo(row(2, "a/b=c", "2026-01-01", "22", null));
        assertThat(rows.get(3)).containsEntry("region", null).containsEntry("day", null).containsEntry("device", null)
                .containsEntry("reading", "23");
        assertThat(rows.get(4)).containsEntry("region", "eu").containsEntry("day", "2026-01-02");
        assertThat(rows.get(5)).isEqualTo(row(5, "eu", "2026-01-01", "5000000000", "five"));
        assertThat(r.scalar("SELECT count(*) FROM delta_table WHERE note IS NULL")).isEqualTo(6);
    }

    @Test
    void listsTheLiveFilesWithLogicalPartitionValues() {
        List<LiveFile> files = DeltaTableReader.latest(events).files();
        Map<String, String> escaped = new LinkedHashMap<>();
        escaped.put("region", "a/b=c");
        escaped.put("day", "2026-01-01");
        Map<String, String> nulls = new LinkedHashMap<>();
        nulls.put("region", null);
        nulls.put("day", null);
        Map<Map<String, String>, LiveFile> byPartition = new HashMap<>();
        files.forEach(f -> byPartition.put(f.partitionValues(), f));
        assertThat(files).hasSize(4);
        assertThat(byPartition).containsOnlyKeys(escaped, nulls, Map.of("region", "eu", "day", "2026-01-02"),
                Map.of("region", "eu", "day", "2026-01-01"));
        LiveFile compacted = byPartition.get(Map.of("region", "eu", "day", "2026-01-01"));
        assertThat(compacted.numRecords()).isEqualTo(4);
        assertThat(compacted.dataChange()).isFalse();
        assertThat(byPartition.get(nulls).numRecords()).isEqualTo(1);
        assertThat(byPartition.get(nulls).dataChange()).isTrue();
        // the value's slash and equals sign are escaped in the directory name, and the log's path is a URI of it
        LiveFile e = byPartition.get(escaped);
        assertThat(e.file().getParent().getParent().getFileName().toString()).endsWith("=a%2Fb%3Dc");
        assertThat(e.path()).contains("=a%252Fb%253Dc/");
        assertThat(files).allSatisfy(f -> assertThat(f.file()).isRegularFile().hasFileName(Path.of(f.path()).getFileName().toString()));
    }

    @Test
    void travelsToEarlierVersions() {
        DeltaTableReader v2 = DeltaTableReader.atVersion(events, 2);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.checkpointVersion()).isEqualTo(-1);
        assertThat(v2.columns()).extracting(Column::name).doesNotContain("note");
        assertThat(v2.columns()).contains(new Column("reading", Scalar.INTEGER));
        assertThat(v2.files()).hasSize(4);
        DuckDbReader r2 = v2.reader();
        assertThat(r2.count()).isEqualTo(5);
        assertThat(r2.rows().get(2)).containsEntry("reading", "22").containsEntry("region", "a/b=c");
        assertThat(v2.transactionVersions()).isEqualTo(Map.of(APP_ID, 2L));
        assertThat(v2.domainMetadata()).isEqualTo(Map.of(DOMAIN, "{\"0\":5}"));

        DeltaTableReader v1 = DeltaTableReader.atVersion(events, 1);
        assertThat(v1.reader().count()).isEqualTo(3);
        assertThat(v1.transactionVersions()).isEqualTo(Map.of(APP_ID, 1L));
        assertThat(v1.domainMetadata()).isEqualTo(Map.of(DOMAIN, "{\"0\":3}"));

        DeltaTableReader v4 = DeltaTableReader.atVersion(events, 4);
        assertThat(v4.checkpointVersion()).isEqualTo(3);
        assertThat(v4.files()).hasSize(5);
        assertThat(v4.reader().count()).isEqualTo(7);
        assertThat(v4.transactionVersions()).isEqualTo(Map.of(APP_ID, 2L));

        DeltaTableReader v0 = DeltaTableReader.atVersion(events, 0);
        assertThat(v0.files()).isEmpty();
        assertThat(v0.reader().count()).isZero();
        assertThat(v0.reader().columns()).isEqualTo(v0.columns());

        assertThatThrownBy(() -> DeltaTableReader.atVersion(events, 6)).hasMessageContaining("has no version 6 (versions up to 5)");
    }

    @Test
    void countsTheHistoryFromTheActions() {
        List<Commit> h = DeltaTableReader.latest(events).history();
        assertThat(h).extracting(Commit::version).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(h).extracting(Commit::operation)
                .containsExactly("CREATE TABLE", "STREAMING UPDATE", "STREAMING UPDATE", "Manual Update", "WRITE", "Manual Update");
        assertThat(h).extracting(Commit::filesAdded).containsExactly(0, 2, 2, 0, 1, 1);
        assertThat(h).extracting(Commit::rowsAdded).containsExactly(0L, 3L, 2L, 0L, 2L, 4L);
        assertThat(h).extracting(Commit::filesRemoved).containsExactly(0, 0, 0, 0, 0, 2);
        assertThat(h).extracting(Commit::rowsRemoved).containsExactly(0L, 0L, 0L, 0L, 0L, 4L);
        assertThat(h).extracting(Commit::dataChange).containsExactly(false, true, true, false, true, false);
        assertThat(h).extracting(Commit::schemaChanged).containsExactly(true, false, false, true, false, false);
        assertThat(h).allSatisfy(c -> assertThat(c.timestampMillis()).isPositive());
        assertThat(DeltaTableReader.atVersion(events, 2).history()).hasSize(3);
    }

    @Test
    void refusesAReaderFeatureItDoesNotSupport() throws IOException {
        Path t = copy("dv");
        ObjectNode protocol = (ObjectNode) lastAction(t, "protocol").deepCopy();
        ((ArrayNode) protocol.get("readerFeatures")).add("deletionVectors");
        ((ArrayNode) protocol.get("writerFeatures")).add("deletionVectors");
        commit(t, 6, JSON.createObjectNode().set("protocol", protocol));
        assertThatThrownBy(() -> DeltaTableReader.latest(t))
                .hasMessageContaining("at version 6 uses the reader feature deletionVectors, which this reader does not support");
        assertThat(DeltaTableReader.atVersion(t, 5).reader().count()).isEqualTo(7);
    }

    @Test
    void refusesADeletionVectorAnUnknownActionAndColumnMappingById() throws IOException {
        Path dv = copy("add-dv");
        ObjectNode add = JSON.createObjectNode();
        add.put("path", "x.parquet").put("size", 1).put("modificationTime", 1).put("dataChange", true);
        add.set("partitionValues", JSON.createObjectNode());
        add.set("deletionVector", JSON.createObjectNode().put("storageType", "u").put("cardinality", 1));
        commit(dv, 6, JSON.createObjectNode().set("add", add));
        assertThatThrownBy(() -> DeltaTableReader.latest(dv)).hasMessageContaining("file x.parquet has a deletion vector");

        Path unknown = copy("unknown");
        commit(unknown, 6, JSON.createObjectNode().set("sidecar", JSON.createObjectNode().put("path", "s")));
        assertThatThrownBy(() -> DeltaTableReader.latest(unknown))
                .hasMessageContaining("00000000000000000006.json: action sidecar is not one this reader understands");

        Path byId = copy("by-id");
        ObjectNode metadata = (ObjectNode) lastAction(byId, "metaData").deepCopy();
        ((ObjectNode) metadata.get("configuration")).put("delta.columnMapping.mode", "id");
        commit(byId, 6, JSON.createObjectNode().set("metaData", metadata));
        assertThatThrownBy(() -> DeltaTableReader.latest(byId)).hasMessageContaining("maps columns by id");
    }

    @Test
    void refusesAFileWhoseTypeTheSchemaDoesNotWidenFrom() throws IOException {
        Path t = copy("narrowed");
        ObjectNode metadata = (ObjectNode) lastAction(t, "metaData").deepCopy();
        metadata.put("schemaString", metadata.get("schemaString").asText().replace("\"name\":\"id\",\"type\":\"long\"",
                "\"name\":\"id\",\"type\":\"integer\""));
        assertThat(metadata.get("schemaString").asText()).contains("\"name\":\"id\",\"type\":\"integer\"");
        commit(t, 6, JSON.createObjectNode().set("metaData", metadata));
        DeltaTableReader r = DeltaTableReader.latest(t);
        assertThat(r.columns()).contains(new Column("id", Scalar.INTEGER));
        assertThatThrownBy(r::reader).hasMessageContaining("holds column id as BIGINT, the schema says INTEGER (not a type widening)");
    }

    @Test
    void refusesAGapInTheLogAndAMissingFile() throws IOException {
        Path gap = copy("gap");
        Files.delete(gap.resolve("_delta_log/00000000000000000004.json"));
        assertThatThrownBy(() -> DeltaTableReader.latest(gap))
                .hasMessageContaining("commit 4 (00000000000000000004.json) is missing, so version 5 cannot be replayed");
        assertThat(DeltaTableReader.atVersion(gap, 3).reader().count()).isEqualTo(5);
        assertThat(DeltaTableReader.atVersion(gap, 3).history()).hasSize(4);

        Path lost = copy("lost-file");
        LiveFile f = DeltaTableReader.latest(lost).files().get(1);
        Files.delete(f.file());
        DeltaTableReader r = DeltaTableReader.latest(lost);
        assertThatThrownBy(r::reader).hasMessageContaining("live file " + f.file() + " is not there");
    }

    private static Map<String, String> row(long offset, String region, String day, String reading, String note) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("_kafka_partition", "0");
        r.put("_kafka_offset", String.valueOf(offset));
        r.put("id", String.valueOf(100 + offset));
        r.put("region", region);
        r.put("day", day);
        r.put("reading", reading);
        r.put("ts", "2026-01-01T10:00:0" + offset + ".123456Z");
        r.put("price", offset + ".50");
        r.put("tags", offset % 2 == 0 ? "[\"a\",\"b" + offset + "\"]" : null);
        r.put("attrs", "{\"k" + offset + "\":\"" + offset * 10 + "\"}");
        r.put("device", "{\"name\":\"dev-" + offset + "\",\"fw\":\"" + offset + "\"}");
        r.put("note", note);
        return r;
    }

    private static Path copy(String name) throws IOException {
        Path to = dir.resolve(name);
        try (Stream<Path> s = Files.walk(events)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(events.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static JsonNode lastAction(Path table, String kind) throws IOException {
        JsonNode found = null;
        for (long v = 0; v <= 5; v++) {
            for (String line : Files.readAllLines(table.resolve(String.format("_delta_log/%020d.json", v)))) {
                JsonNode a = JSON.readTree(line);
                if (a.has(kind)) {
                    found = a.get(kind);
                }
            }
        }
        return found;
    }

    private static void commit(Path table, long version, JsonNode... actions) throws IOException {
        List<String> lines = new ArrayList<>();
        for (JsonNode a : actions) {
            lines.add(JSON.writeValueAsString(a));
        }
        Files.write(table.resolve(String.format("_delta_log/%020d.json", version)), lines, StandardOpenOption.CREATE_NEW);
    }
}
