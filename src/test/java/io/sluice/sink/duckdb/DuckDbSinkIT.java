package io.sluice.sink.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.pipeline.SluiceException;
import io.sluice.schema.Row;
import io.sluice.schema.TableBatch;
import io.sluice.sink.Batch;
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

    private static TableBatch rows(String table, int from, int count) {
        TableBatch tb = new TableBatch(table);
        Row row = new Row();
        for (int i = from; i < from + count; i++) {
            row.clear();
            row.put("id", i);
            tb.add(row);
        }
        return tb;
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
        DuckDbSinkConfig config = new DuckDbSinkConfig(db, "main", "{topic}", "1GB", "2GB");
        TopicPartition p = new TopicPartition("t", 0);
        try (DuckDbSink sink = DuckDbSink.open(config, "pipe")) {
            sink.commit(new Batch(List.of(rows("a", 0, 10)), Map.of(p, 10L)));
            sink.commit(new Batch(List.of(rows("b", 0, 1)), Map.of(p, 11L)));
        }
        // table b gets a column type Sluice does not write, so the second table of the next batch fails
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE b ADD COLUMN d INTERVAL");
        }
        try (DuckDbSink sink = DuckDbSink.open(config, "pipe")) {
            // a's schema is read in the transaction and its rows appended before b fails
            assertThatThrownBy(() -> sink.commit(new Batch(List.of(rows("a", 10, 500), rows("b", 1, 1)), Map.of(p, 99L))))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining("nothing of it was committed")
                    .hasMessageContaining("column d has type INTERVAL");
            assertThat(sink.committedOffsets()).containsExactly(Map.entry(p, 11L));
        }
        assertThat(count(db, "select count(*) from a")).isEqualTo(10);
        assertThat(count(db, "select next_offset from _sluice_offsets")).isEqualTo(11);
    }
}
