package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON evolution, bad input, plan and offsets commands, through bin/sluice against the real broker. */
class DataAndErrorsIT {
    @TempDir
    Path dir;

    private Sluice.Result sluice(String... args) {
        return Sluice.run(dir, Map.of(), args);
    }

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    private List<String> columns(String table) {
        return Sluice.query(db(), "select column_name || ' ' || data_type from information_schema.columns where table_name = '"
                + table + "' and column_name not like '\\_kafka%' escape '\\' order by ordinal_position")
                .stream().map(r -> (String) r.get(0)).toList();
    }

    @Test
    void laterFieldsAddColumnsAndTypesWidenAcrossBatchesAndRuns() {
        String topic = Sluice.unique("evolve");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 10, i -> "{\"id\":" + i + ",\"v\":" + i + "}");
        TestBroker.produceJson(topic, 1, 10, i -> "{\"id\":" + (10 + i) + ",\"v\":" + (5_000_000_000L + i) + ",\"extra\":\"e\"}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("ev", "topics: [" + topic + "]", "{batch_size: 10}", "t"));
        assertThat(sluice("run", m.toString()).exit()).isZero();
        assertThat(columns("t")).containsExactly("id INTEGER", "v BIGINT", "extra VARCHAR");

        TestBroker.produceJson(topic, 1, 5, i -> "{\"id\":" + (20 + i) + ",\"v\":" + i + ".5,\"flag\":true,\"nested\":{\"a\":1}}");
        TestBroker.produceJson(topic, 1, 5, i -> "{\"id\":\"x" + i + "\",\"v\":1}");
        // a string id is a breaking change: the default policy stops before writing anything of the batch
        Sluice.Result r = sluice("run", m.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("breaking schema change in table t (schema.evolution.breaking_change is fail;")
                .contains("column id: the table has INTEGER, the batch has VARCHAR (first in record " + topic + "/0@25)")
                .contains("table columns: id INTEGER, v BIGINT, extra VARCHAR")
                .contains("batch columns: id VARCHAR, v DOUBLE, flag BOOLEAN, nested__a INTEGER");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(20);

        // with breaking_change: variant the strings go to __sluice_nc__id, and every change is in the history
        Path variant = Sluice.manifest(dir, Manifests.duckdb("ev", "topics: [" + topic + "]", "{batch_size: 10}", "t")
                + "schema: {evolution: {breaking_change: variant}}\n");
        r = sluice("run", variant.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("table t: schema change\n  ! id INTEGER cannot hold VARCHAR values; they go to __sluice_nc__id\n"
                + "  ! v BIGINT cannot hold DOUBLE values; they go to __sluice_nc__v\n  + flag BOOLEAN\n  + nested__a INTEGER\n"
                + "  + __sluice_nc__id VARCHAR\n  + __sluice_nc__v DOUBLE");
        assertThat(columns("t")).containsExactly("id INTEGER", "v BIGINT", "extra VARCHAR", "flag BOOLEAN", "nested__a INTEGER",
                "__sluice_nc__id VARCHAR", "__sluice_nc__v DOUBLE");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(30);
        // a bigint column keeps its exact values: fractions go to the variant column rather than turn it into DOUBLE
        assertThat(Sluice.query(db(), "select id, __sluice_nc__id, v, __sluice_nc__v from t where _kafka_offset in (0, 10, 20, 25)"
                + " order by _kafka_offset")).containsExactly(java.util.Arrays.asList(0, null, 0L, null),
                java.util.Arrays.asList(10, null, 5_000_000_000L, null), java.util.Arrays.asList(20, null, null, 0.5),
                java.util.Arrays.asList(null, "x0", 1L, null));
        assertThat(Sluice.query(db(), "select change, column_name, old_type, new_type from _sluice_schema_history"
                + " where table_name = 't' order by changed_at")).containsExactly(
                // in the order the changes were made, as the run logged them, also within one transaction
                java.util.Arrays.asList("create_table", null, null, "_kafka_topic VARCHAR, _kafka_partition INTEGER, _kafka_offset BIGINT,"
                        + " _kafka_timestamp TIMESTAMP, _kafka_key VARCHAR, id INTEGER, v INTEGER"),
                java.util.Arrays.asList("widen_type", "v", "INTEGER", "BIGINT"),
                java.util.Arrays.asList("add_column", "extra", null, "VARCHAR"),
                java.util.Arrays.asList("variant_column", "id", "INTEGER", "VARCHAR"),
                java.util.Arrays.asList("variant_column", "v", "BIGINT", "DOUBLE"),
                java.util.Arrays.asList("add_column", "flag", null, "BOOLEAN"),
                java.util.Arrays.asList("add_column", "nested__a", null, "INTEGER"),
                java.util.Arrays.asList("add_column", "__sluice_nc__id", null, "VARCHAR"),
                java.util.Arrays.asList("add_column", "__sluice_nc__v", null, "DOUBLE"));
    }

    @Test
    void newColumnPoliciesFreezeOrDiscardEndToEnd() {
        String topic = Sluice.unique("policy");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 4, i -> "{\"id\":" + i + "}");
        String base = Manifests.duckdb("pol", "topics: [" + topic + "]", "{batch_size: 100}", "t");
        assertThat(sluice("run", Sluice.manifest(dir, base).toString()).exit()).isZero();
        TestBroker.produceJson(topic, 1, 4, i -> i % 2 == 0 ? "{\"id\":" + (4 + i) + ",\"extra\":\"e\"}" : "{\"id\":" + (4 + i) + "}");

        Sluice.Result frozen = sluice("run", Sluice.manifest(dir, base + "schema: {evolution: {new_column: freeze}}\n").toString());
        assertThat(frozen.exit()).isEqualTo(1);
        assertThat(frozen.stderr()).contains("table t has no column extra VARCHAR, and schema.evolution.new_column is freeze"
                + " (first in record " + topic + "/0@4)").contains("Nothing of this batch was committed.");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(4);

        // discard_value: every row lands, the new column does not exist
        Path copy = dir.resolve("copy.duckdb");
        try {
            java.nio.file.Files.copy(db(), copy);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Sluice.Result values = sluice("run", Sluice.manifest(dir, base + "schema: {evolution: {new_column: discard_value}}\n").toString());
        assertThat(values.exit()).as(values.toString()).isZero();
        assertThat(values.stderr()).contains("table t: dropped 2 values of new columns (schema.evolution.new_column: discard_value)");
        assertThat(columns("t")).containsExactly("id INTEGER");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(8);

        // discard_row, on the copy taken before: rows with the new column are left out and counted as skipped
        Sluice.Result rows = sluice("run", Sluice.manifest(dir, base.replace("warehouse.duckdb", "copy.duckdb")
                + "schema: {evolution: {new_column: discard_row}}\n").toString());
        assertThat(rows.exit()).as(rows.toString()).isZero();
        assertThat(rows.stderr()).contains("left out 2 rows with new columns (schema.evolution.new_column: discard_row)")
                .contains("read 4, written 2, skipped 2");
        assertThat(Sluice.query(copy, "select id from t order by id").stream().map(r -> r.get(0)).toList())
                .containsExactly(0, 1, 2, 3, 5, 7);
    }

    @Test
    void structModeKeepsNestedObjectsAndMergesTheirFields() {
        String topic = Sluice.unique("struct");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 3, i -> "{\"loc\":{\"lat\":" + i + ".5,\"lon\":2.5}}");
        TestBroker.produceJson(topic, 1, 3, i -> "{\"loc\":{\"lat\":1.5,\"alt\":" + i + "}}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("st", "topics: [" + topic + "]", "{batch_size: 3, nested: struct}", "t"));
        Sluice.Result r = sluice("run", m.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(columns("t")).containsExactly("loc STRUCT(lat DOUBLE, lon DOUBLE, alt INTEGER)");
        assertThat(Sluice.queryLong(db(), "select count(*) from t where loc.alt is not null and loc.lon is null")).isEqualTo(3);
    }

    @Test
    void aRecordThatIsNotAJsonObjectStopsTheRunAndNamesItsOffset() {
        String topic = Sluice.unique("bad");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 5, i -> "{\"i\":" + i + "}");
        TestBroker.produceJson(topic, 1, 1, i -> "[1,2,3]");
        TestBroker.produceJson(topic, 1, 5, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("bad", "topics: [" + topic + "]", "{batch_size: 3}", "t"));
        Sluice.Result r = sluice("run", m.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("decode failed for record " + topic + "/0@5: value is not a JSON object (it starts with '[', an array)");
        // the first full batch (offsets 0-2) committed; the failing batch (3-5) did not
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(3);
        assertThat(Sluice.queryLong(db(), "select next_offset from _sluice_offsets")).isEqualTo(3);

        Path skip = Sluice.manifest(dir, Manifests.duckdb("bad", "topics: [" + topic + "]", "{batch_size: 3, on_error: skip}", "t"));
        Sluice.Result s = sluice("run", skip.toString());
        assertThat(s.exit()).as(s.toString()).isZero();
        assertThat(s.stderr()).contains("read 8, written 7, skipped 1").contains("skipped record " + topic + "/0@5");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(10);
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeout() {
        Path m = Sluice.manifest(dir, """
                name: down
                source:
                  type: kafka
                  connection: {bootstrap_servers: "127.0.0.1:1", timeout_ms: 2000}
                  topics: [t]
                sink: {type: duckdb, path: warehouse.duckdb}
                """);
        long start = System.nanoTime();
        Sluice.Result r = sluice("run", m.toString());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("cannot reach Kafka at 127.0.0.1:1: could not list topics within 2000 ms");
        assertThat(seconds).as("bounded by the timeout plus JVM start, not a hang").isLessThan(60);
    }

    @Test
    void anInvalidManifestExitsTwoListingEveryProblem() {
        Path m = Sluice.manifest(dir, """
                name: broken
                source:
                  type: kafka
                  connection: {bootstrap_server: "localhost:9092"}
                  topics_regex: "orders-(["
                  options: {read_mode: offset}
                sink: {type: duckbd}
                """);
        Sluice.Result r = sluice("validate", m.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("invalid manifest (5 problems)")
                .contains("pipeline.yaml:4: source.connection.bootstrap_servers: required: host:port[,host:port...]")
                .contains("pipeline.yaml:4: source.connection.bootstrap_server: unknown key; did you mean bootstrap_servers?")
                .contains("pipeline.yaml:5: source.topics_regex: \"orders-([\" is not a valid regular expression")
                .contains("pipeline.yaml:6: source.options.read_mode: \"offset\" is not allowed (allowed: offsets, max_records, time_window, continuous); did you mean offsets?")
                .contains("pipeline.yaml:7: sink.type: \"duckbd\" is not a known sink type (known: delta, duckdb, parquet); did you mean duckdb?");
        assertThat(sluice("run", m.toString()).exit()).isEqualTo(2);
    }

    @Test
    void planShowsWhatTheNextRunReadsAndOffsetsCanBeShownAndReset() {
        String topic = Sluice.unique("ops");
        TestBroker.createTopic(topic, 2);
        TestBroker.produceJson(topic, 2, 20, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("ops", "topics: [" + topic + "]", "{}", "{topic}"));
        String table = topic.replace('-', '_');

        Sluice.Result plan = sluice("plan", m.toString());
        assertThat(plan.exit()).as(plan.toString()).isZero();
        assertThat(plan.stdout()).containsPattern("ops\\s+" + topic + "\\s+0\\s+-\\s+0\\s+10\\s+10\\s+" + table)
                .contains("records to read (at most): 20");
        assertThat(db()).as("plan writes nothing").doesNotExist();

        assertThat(sluice("run", m.toString()).exit()).isZero();
        TestBroker.produceJson(topic, 2, 6, i -> "{\"i\":" + i + "}");
        Sluice.Result show = sluice("offsets", "show", m.toString(), "--format", "json");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.stdout().replaceAll("\\s", "")).contains("\"partition\":0,\"table\":\"" + table + "\",\"stored_offset\":10,\"end_offset\":13,\"lag\":3");

        Sluice.Result refused = sluice("offsets", "reset", m.toString(), "--to", "earliest");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.stderr()).contains("not applied: add --yes");
        assertThat(Sluice.queryLong(db(), "select sum(next_offset) from _sluice_offsets")).isEqualTo(20);

        Sluice.Result reset = sluice("offsets", "reset", m.toString(), "--offsets", topic + ":0=4," + topic + ":1=13", "--yes");
        assertThat(reset.exit()).as(reset.toString()).isZero();
        Sluice.Result rerun = sluice("run", m.toString());
        assertThat(rerun.stderr()).contains("read 9, written 9");
        assertThat(Sluice.queryLong(db(), "select count(*) from " + table)).isEqualTo(29);
    }

    @Test
    void consumerGroupCommitsAreOptionalAndMirrorTheStoredOffsets() throws Exception {
        String topic = Sluice.unique("lag");
        String group = Sluice.unique("sluice-lag");
        TestBroker.createTopic(topic, 2);
        TestBroker.produceJson(topic, 2, 14, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("lag", "topics: [" + topic + "]",
                "{group_id: " + group + ", commit_offsets_to_kafka: true}", "t"));
        Sluice.Result r = sluice("run", m.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        var committed = TestBroker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(committed).hasSize(2);
        committed.values().forEach(o -> assertThat(o.offset()).isEqualTo(7));
    }

    @Test
    void aLockedDuckDbFileIsReported() throws Exception {
        String topic = Sluice.unique("lock");
        TestBroker.createTopic(topic, 1);
        Path m = Sluice.manifest(dir, Manifests.duckdb("lock", "topics: [" + topic + "]",
                "{read_mode: continuous}", "t"));
        Path log = dir.resolve("holder.log");
        Process holder = Sluice.builder(dir, Map.of(), "run", m.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            TopicsAndModesIT.waitFor(() -> java.nio.file.Files.readString(log).contains("planned"), holder, log);
            Sluice.Result r = sluice("run", m.toString());
            // a second run of the same pipeline is fenced off before it reads anything
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.stderr()).contains("pipeline lock cannot write to DuckDB file warehouse.duckdb: another writer holds it (PID ")
                    .contains("nothing was read or written");
        } finally {
            holder.destroy();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
