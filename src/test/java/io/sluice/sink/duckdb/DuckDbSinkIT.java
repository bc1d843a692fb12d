package io.sluice.sink.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.pipeline.SluiceException;
import io.sluice.schema.Row;
import io.sluice.schema.TableBatch;
import io.sluice.sink.Batch;
import io.sluice.sink.Positions;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import java.util.Optional;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DuckDB sink against a real DuckDB file: a batch's rows and offsets commit together or not at all. */
class DuckDbSinkIT {
    @TempDir
    Path dir;

    private static TableRows rows(String table, int from, int count) {
        TableBatch tb = new TableBatch(table);
        Row row = new Row();
        for (int i = from; i < from + count; i++) {
            row.clear();
            row.put("id", i);
            tb.add(row);
        }
        return TableRows.of(tb, tb.columns());
    }

    private long count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aFailedCommitLeavesNeitherRowsNorOffsetsEvenAfterEarlierCommits() throws Exception {
        Path db = dir.resolve("w.duckdb");
        DuckDbSinkConfig config = new DuckDbSinkConfig(db, "main", "{topic}", "1GB", "2GB", false);
        TopicPartition p = new TopicPartition("t", 0);
        try (DuckDbSink sink = DuckDbSink.open(config, "pipe")) {
            sink.write(new Batch(0, List.of(rows("a", 0, 10)), at(p, 10)));
            sink.write(new Batch(1, List.of(rows("b", 0, 1)), at(p, 11)));
        }
        // table b gets a column type Sluice does not write, so the second table of the next batch fails
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE b ADD COLUMN d INTERVAL");
        }
        try (DuckDbSink sink = DuckDbSink.open(config, "pipe")) {
            // a's schema is read in the transaction and its rows appended before b fails
            assertThatThrownBy(() -> sink.write(new Batch(0, List.of(rows("a", 10, 500), rows("b", 1, 1)), at(p, 99))))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining("nothing since the last commit was committed")
                    .hasMessageContaining("column d has type INTERVAL");
            assertThat(sink.positions()).containsExactly(new StoredPosition(at(p, 11).get(0), "pipe"));
        }
        assertThat(count(db, "select count(*) from a")).isEqualTo(10);
        assertThat(count(db, "select next_offset from _sluice_offsets")).isEqualTo(11);
    }

    @Test
    void oneTransactionSpansBatchesUntilItIsLargeEnoughAndCloseDiscardsWhatWasNotCommitted() throws Exception {
        Path db = dir.resolve("txn.duckdb");
        DuckDbSinkConfig config = new DuckDbSinkConfig(db, "main", "{topic}", "1GB", "2GB", false, 25, java.time.Duration.ofHours(1));
        TopicPartition p = new TopicPartition("t", 0);
        try (DuckDbSink sink = DuckDbSink.open(config, "pipe")) {
            assertThat(sink.write(new Batch(0, List.of(rows("t", 0, 10)), at(p, 10)))).isEqualTo(-1);
            assertThat(sink.write(new Batch(1, List.of(rows("t", 10, 10)), at(p, 20)))).isEqualTo(-1);
            assertThat(sink.flushDue()).isFalse();
            // the third batch takes the transaction past commit_rows: all three become durable together
            assertThat(sink.write(new Batch(2, List.of(rows("t", 20, 10)), at(p, 30)))).isEqualTo(2);
            assertThat(sink.write(new Batch(3, List.of(rows("t", 30, 10)), at(p, 40)))).isEqualTo(2);
            assertThat(sink.flush()).isEqualTo(3);
            assertThat(sink.write(new Batch(4, List.of(rows("t", 40, 10)), at(p, 50)))).isEqualTo(3);
        }
        assertThat(count(db, "select count(*) from t")).isEqualTo(40);
        assertThat(count(db, "select next_offset from _sluice_offsets")).isEqualTo(40);
    }

    @Test
    void aSecondWriterOfTheSameFileIsFencedNamingTheHolder() throws Exception {
        Path db = dir.resolve("fence.duckdb");
        DuckDbSinkConfig config = new DuckDbSinkConfig(db, "main", "{topic}", "1GB", "2GB", false);
        try (io.sluice.it.HoldDuckDbLock holder = io.sluice.it.HoldDuckDbLock.start(db)) {
            assertThatThrownBy(() -> DuckDbSink.open(config, "pipe"))
                    .isInstanceOf(io.sluice.sink.FencedException.class)
                    .hasMessageContaining("pipeline pipe cannot write to DuckDB file " + db)
                    .hasMessageContaining("another writer holds it (PID " + holder.pid());
        }
    }

    private static List<TablePosition> at(TopicPartition p, long next) {
        return List.of(new TablePosition("t", p, next, Optional.of("id-1")));
    }

    @Test
    void positionsAreKeptPerTableAndSharedByPipelines() throws Exception {
        Path db = dir.resolve("p.duckdb");
        DuckDbSinkConfig config = new DuckDbSinkConfig(db, "main", "{topic}", "1GB", "2GB", false);
        TopicPartition p = new TopicPartition("t", 0);
        try (DuckDbSink sink = DuckDbSink.open(config, "first")) {
            sink.write(new Batch(0, List.of(rows("t", 0, 5)), at(p, 5)));
            sink.write(new Batch(1, List.of(), List.of(new TablePosition("other", p, 2, Optional.empty()))));
        }
        try (DuckDbSink sink = DuckDbSink.open(config, "second")) {
            Positions seen = Positions.of(sink.positions(), config);
            assertThat(seen.nextOffsets()).containsExactly(Map.entry(p, 5L));
            assertThat(seen.topicIds()).containsExactly(Map.entry("t", "id-1"));
            assertThat(seen.sharedWith("second")).singleElement().asString()
                    .contains("table t already holds records of t loaded by pipeline first");
            // a position stored without a topic id keeps the id it had
            sink.storePositions(List.of(new TablePosition("t", p, 7, Optional.empty())));
        }
        assertThat(DuckDbSink.readPositions(config, "x")).contains(
                new StoredPosition(new TablePosition("t", p, 7, Optional.of("id-1")), "second"),
                new StoredPosition(new TablePosition("other", p, 2, Optional.empty()), "first"));
    }

    @Test
    void offsetsStoredPerPipelineByEarlierVersionsMoveToTheTablesTheirTopicsFeed() throws Exception {
        Path db = dir.resolve("legacy.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE main._sluice_offsets (pipeline VARCHAR NOT NULL, topic VARCHAR NOT NULL,"
                    + " \"partition\" INTEGER NOT NULL, next_offset BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL,"
                    + " PRIMARY KEY (pipeline, topic, \"partition\"))");
            st.execute("INSERT INTO main._sluice_offsets VALUES ('old', 'sensor-events', 0, 40, now()), ('old', 'sensor-events', 1, 41, now()),"
                    + " ('else', 'x', 0, 9, now())");
        }
        DuckDbSinkConfig config = new DuckDbSinkConfig(db, "main", "{topic}", "1GB", "2GB", false);
        TopicPartition p0 = new TopicPartition("sensor-events", 0);
        // read-only readers (plan, offsets show) see the old offsets before any run moved them
        assertThat(Positions.of(DuckDbSink.readPositions(config, "old"), config).nextOffsets())
                .containsOnly(Map.entry(p0, 40L), Map.entry(new TopicPartition("sensor-events", 1), 41L));
        try (DuckDbSink sink = DuckDbSink.open(config, "old")) {
            assertThat(sink.positions()).contains(new StoredPosition(new TablePosition("sensor_events", p0, 40, Optional.empty()), "old"));
        }
        assertThat(count(db, "select count(*) from _sluice_offsets_v1")).isEqualTo(1); // the other pipeline's row waits for it
        // positions belong to tables: the other pipeline sees its own old offsets and what table sensor_events holds
        assertThat(Positions.of(DuckDbSink.readPositions(config, "else"), config).nextOffsets())
                .containsOnly(Map.entry(new TopicPartition("x", 0), 9L), Map.entry(p0, 40L), Map.entry(new TopicPartition("sensor-events", 1), 41L));
    }
}
