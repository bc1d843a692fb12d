package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice table optimize | vacuum | history | show} as separate processes on Delta tables that {@code sluice run}
 * wrote from the test broker; row sets are read back by replaying the log without Kernel ({@link DeltaReplay}).
 */
class TableCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COLUMNS = List.of("id", "region", "machine", "v", "extra", "_kafka_partition",
            "_kafka_offset", "_kafka_timestamp", "_kafka_key");

    @TempDir
    Path dir;

    private String manifest(String name, String topic, String tableProperties) {
        return """
                name: %s
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 5000}
                  topics: [%s]
                  options: {batch_size: 25}
                sink:
                  type: delta
                  path: lake
                  table: events
                  commit_interval_ms: 0
                  partition_by: [{column: region}]
                  table_properties: %s
                """.formatted(name, TestBroker.bootstrap(), topic, tableProperties);
    }

    private static String event(int i, boolean extra) {
        return "{\"id\":" + i + ",\"region\":\"" + (i % 2 == 0 ? "eu" : "us") + "\",\"machine\":\"m-" + (i % 7) + "\",\"v\":"
                + (i * 1.5) + (extra ? ",\"extra\":" + (i * 10) : "") + "}";
    }

    private Sluice.Result sluice(String... args) {
        return Sluice.run(dir, Map.of(), args);
    }

    private Sluice.Result ok(String... args) {
        Sluice.Result r = sluice(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private Path table() {
        return dir.resolve("lake/events");
    }

    @Test
    void optimizeCompactsSmallFilesKeepingEveryRowAndHistoryAndShowTellEachVersion() throws Exception {
        String topic = Sluice.unique("table-opt");
        TestBroker.createTopic(topic, 2);
        TestBroker.produceJson(topic, 2, 200, i -> event(i, false));
        Path m = Sluice.manifest(dir, manifest("opt", topic, "{}"));
        ok("run", m.toString());
        TestBroker.produceJson(topic, 2, 50, i -> event(200 + i, true)); // a new column: older files lack it
        ok("run", m.toString());
        Instant beforeOptimize = Instant.now();

        DeltaReplay.State before = DeltaReplay.replay(table());
        List<List<String>> rows = DeltaReplay.rows(table(), COLUMNS);
        assertThat(rows).hasSize(250);
        int files = before.files().size();
        assertThat(files).isGreaterThan(4);

        JsonNode shown = JSON.readTree(ok("table", "show", m.toString(), "--table", "events", "--format", "json").stdout());
        assertThat(shown.get("rows").asLong()).isEqualTo(250);
        assertThat(shown.get("files").asInt()).isEqualTo(files);
        assertThat(shown.get("version").asLong()).isEqualTo(before.version());
        assertThat(shown.get("partition_columns").toString()).isEqualTo("[\"region\"]");
        List<String> cols = new ArrayList<>();
        shown.get("columns").forEach(c -> cols.add(c.get("name").asText() + " " + c.get("type").asText()));
        assertThat(cols).contains("id INTEGER", "region STRING", "machine STRING", "v DOUBLE", "extra INTEGER");

        Sluice.Result opt = ok("table", "optimize", m.toString(), "--target-size", "1MB", "--format", "json");
        JsonNode o = JSON.readTree(opt.stdout()).get(0);
        assertThat(o.get("table").asText()).isEqualTo("events");
        assertThat(o.get("files_removed").asInt()).isEqualTo(files);
        assertThat(o.get("files_added").asInt()).isEqualTo(2);
        assertThat(o.get("partitions").asInt()).isEqualTo(2);
        assertThat(o.get("rows").asLong()).isEqualTo(250);

        DeltaReplay.State after = DeltaReplay.replay(table());
        assertThat(after.version()).isEqualTo(before.version() + 1).isEqualTo(o.get("version").asLong());
        assertThat(after.files()).hasSize(2);
        assertThat(DeltaReplay.rows(table(), COLUMNS)).isEqualTo(rows);
        DeltaReplay.Commit last = after.commits().get(after.commits().size() - 1);
        assertThat(last.dataChange()).containsExactly(false);
        assertThat(last.removed()).hasSize(files);
        assertThat(last.domains()).containsExactly("sluice.maintenance");
        // the new files carry statistics from their footers: row counts, and bounds of numbers and strings
        long counted = 0;
        String id = after.physical().get("id");
        String machine = after.physical().get("machine");
        for (String line : Files.readAllLines(table().resolve("_delta_log/" + String.format("%020d", after.version()) + ".json"))) {
            JsonNode add = JSON.readTree(line).get("add");
            if (add != null) {
                JsonNode stats = JSON.readTree(add.get("stats").asText());
                counted += stats.get("numRecords").asLong();
                assertThat(stats.get("minValues").has(id)).as(stats.toString()).isTrue();
                assertThat(stats.get("maxValues").get(machine).asText()).isEqualTo("m-6");
                assertThat(stats.get("nullCount").get(after.physical().get("extra")).asLong()).isPositive();
            }
        }
        assertThat(counted).isEqualTo(250);
        // the new files name and number their columns as the old ones do, timestamps still UTC-adjusted micros
        Map<String, String> oldSchema = footerSchema(table().resolve(before.files().get(before.files().size() - 1).path()));
        Map<String, String> newSchema = footerSchema(table().resolve(after.files().get(0).path()));
        assertThat(newSchema.keySet()).isEqualTo(oldSchema.keySet()).contains(after.physical().get("extra"));
        oldSchema.forEach((name, t) -> assertThat(newSchema.get(name)).as(name).startsWith(t.substring(0, t.indexOf(" | "))));
        assertThat(newSchema.get(after.physical().get("_kafka_timestamp"))).contains("isAdjustedToUTC=1", "MICROS");

        Sluice.Result again = ok("table", "optimize", m.toString(), "--target-size", "1MB");
        assertThat(again.stderr()).contains("table events: nothing to compact");
        assertThat(DeltaReplay.replay(table()).version()).isEqualTo(after.version());

        JsonNode history = JSON.readTree(ok("table", "history", m.toString(), "--format", "json").stdout());
        assertThat(history).hasSize((int) after.version() + 1);
        JsonNode newest = history.get(0);
        assertThat(newest.get("version").asLong()).isEqualTo(after.version());
        assertThat(newest.get("operation").asText()).isEqualTo("OPTIMIZE");
        assertThat(newest.get("files_removed").asInt()).isEqualTo(files);
        assertThat(newest.get("files_added").asInt()).isEqualTo(2);
        assertThat(newest.get("rows_added").asLong()).isEqualTo(250);
        assertThat(newest.get("rows_removed").asLong()).isEqualTo(250);
        JsonNode oldest = history.get(history.size() - 1);
        assertThat(oldest.get("version").asLong()).isZero();
        assertThat(oldest.get("schema_changes").toString()).contains("new table (");
        long appended = 0;
        boolean sawExtra = false;
        for (JsonNode v : history) {
            if (v.get("operation").asText().equals("STREAMING UPDATE") || v.get("version").asLong() == 0) {
                appended += v.get("rows_added").asLong();
            }
            sawExtra |= v.get("schema_changes").toString().contains("+ extra");
        }
        assertThat(appended).isEqualTo(250);
        assertThat(sawExtra).as(history.toString()).isTrue();
        String text = ok("table", "history", m.toString(), "--table", "EVENTS", "--limit", "2").stdout();
        assertThat(text.lines().toList()).hasSize(3);
        assertThat(text.lines().findFirst().orElseThrow()).startsWith("table   version  timestamp");
        assertThat(text).contains("OPTIMIZE");

        // time travel: the version before the compaction, by number and by time
        JsonNode v1 = JSON.readTree(ok("table", "show", m.toString(), "--table", "events", "--version",
                Long.toString(before.version()), "--format", "json").stdout());
        assertThat(v1.get("files").asInt()).isEqualTo(files);
        assertThat(v1.get("rows").asLong()).isEqualTo(250);
        // a version's time in the history is the one time travel resolves
        String timeOfBefore = history.get(1).get("timestamp").asText();
        assertThat(Instant.parse(timeOfBefore)).isBefore(beforeOptimize);
        JsonNode t1 = JSON.readTree(ok("table", "show", m.toString(), "--table", "events", "--timestamp",
                timeOfBefore, "--format", "json").stdout());
        assertThat(t1.get("version").asLong()).isEqualTo(before.version());
        String now = ok("table", "show", m.toString(), "--table", "events").stdout();
        assertThat(now).contains("version     " + after.version(), "rows        250", "files       2", "partitions  region");
        assertThat(now).containsPattern("extra +INTEGER +yes");

        Sluice.Result noVersion = sluice("table", "show", m.toString(), "--table", "events", "--version", "99");
        assertThat(noVersion.exit()).as(noVersion.toString()).isEqualTo(2);
        assertThat(noVersion.stderr()).contains("--version 99: table events in " + table() + " has versions up to "
                + after.version());
        Sluice.Result noTable = sluice("table", "show", m.toString(), "--table", "nope");
        assertThat(noTable.exit()).isEqualTo(2);
        assertThat(noTable.stderr()).contains("--table nope: no Delta table of that name under " + dir.resolve("lake")
                + " (tables: events)");
    }

    @Test
    void vacuumDeletesOnlyOldFilesThatNoVersionOfTheWindowReferences() throws Exception {
        String topic = Sluice.unique("table-vac");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 100, i -> event(i, false));
        Path m = Sluice.manifest(dir, manifest("vac", topic, "{delta.deletedFileRetentionDuration: \"interval 1 second\"}"));
        ok("run", m.toString());
        FileTime old = FileTime.from(Instant.now().minus(10, ChronoUnit.DAYS));
        String partitionDir = DeltaReplay.replay(table()).files().get(0).path().replaceAll("/[^/]*$", "");
        Path orphanOld = Files.writeString(table().resolve(partitionDir + "/orphan-old.parquet"), "x");
        Files.setLastModifiedTime(orphanOld, old);
        Path orphanNew = Files.writeString(table().resolve("orphan-new.parquet"), "y");
        Path sluiceOwn = Files.createDirectories(table().resolve("_sluice")).resolve("keep.json");
        Files.writeString(sluiceOwn, "{}");
        Files.setLastModifiedTime(sluiceOwn, old);
        int logFiles = count(table().resolve("_delta_log"));

        JsonNode first = JSON.readTree(ok("table", "vacuum", m.toString(), "--retain", "168h", "--format", "json").stdout()).get(0);
        assertThat(first.get("deleted").toString()).isEqualTo("[\"" + partitionDir + "/orphan-old.parquet\"]");
        assertThat(first.get("kept_recent").asInt()).isEqualTo(1);
        assertThat(orphanOld).doesNotExist();
        assertThat(orphanNew).exists();
        assertThat(sluiceOwn).exists();

        List<List<String>> rows = DeltaReplay.rows(table(), List.of("id", "region", "machine", "v"));
        assertThat(rows).hasSize(100);
        List<String> compacted = DeltaReplay.replay(table()).files().stream().map(DeltaReplay.Live::path).toList();
        ok("table", "optimize", m.toString(), "--target-size", "1MB");
        for (String f : compacted) {
            Files.setLastModifiedTime(table().resolve(f), old);
        }

        // the window of 168h begins before the table: every version in it, the one before the compaction too, keeps its files
        Sluice.Result week = ok("table", "vacuum", m.toString(), "--retain", "168h", "--dry-run");
        assertThat(week.stdout()).doesNotContain("would delete");
        assertThat(week.stderr()).contains("table events: would delete 0 files");

        Sluice.Result refused = sluice("table", "vacuum", m.toString(), "--retain", "500ms");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.stderr()).contains("sluice: table events in " + table() + ": a retention of 500ms is below the"
                + " table's delta.deletedFileRetentionDuration (1s)", "Nothing was deleted", "--force");

        // with a window of 1ms only the newest version counts: the compacted files go, and the unreferenced new one
        List<String> unreferenced = new ArrayList<>(compacted);
        unreferenced.add("orphan-new.parquet");
        Sluice.Result dry = ok("table", "vacuum", m.toString(), "--retain", "1ms", "--force", "--dry-run");
        assertThat(dry.stdout().lines().filter(l -> l.startsWith("would delete ")).map(l -> l.substring("would delete events/".length())))
                .containsExactlyInAnyOrderElementsOf(unreferenced);
        for (String f : compacted) {
            assertThat(table().resolve(f)).exists();
        }
        JsonNode forced = JSON.readTree(ok("table", "vacuum", m.toString(), "--retain", "1ms", "--force", "--format", "json")
                .stdout()).get(0);
        assertThat(forced.get("files").asInt()).isEqualTo(unreferenced.size());
        for (String f : compacted) {
            assertThat(table().resolve(f)).doesNotExist();
        }
        assertThat(DeltaReplay.rows(table(), List.of("id", "region", "machine", "v"))).isEqualTo(rows);
        assertThat(count(table().resolve("_delta_log"))).isGreaterThanOrEqualTo(logFiles + 1);
        assertThat(sluiceOwn).exists();

        Path duck = Sluice.manifest(dir, Manifests.duckdb("d", "topics: [" + topic + "]", "{}", "events"));
        Sluice.Result notDelta = sluice("table", "history", duck.toString());
        assertThat(notDelta.exit()).isEqualTo(2);
        assertThat(notDelta.stderr()).contains("sluice: pipeline d writes to sink type duckdb, which keeps no table versions:"
                + " `sluice table` works on Delta tables (sink.type: delta)");
    }

    /** Per column of a Parquet file: "field-id physical-type | logical type", as DuckDB reads the footer. */
    private static Map<String, String> footerSchema(Path file) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT name, field_id, type, logical_type FROM parquet_schema('"
                        + file + "') WHERE name <> 'duckdb_schema' AND field_id IS NOT NULL")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " | " + rs.getString(4));
            }
        }
        return out;
    }

    private static int count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        }
    }
}
