package io.sluice.bench;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the benchmark needs to know of the sink it measures: the {@code sink:} section of the generated manifest,
 * and, after the run, how many rows landed and how many distinct Kafka positions they carry. A run counts only when
 * both equal the records produced, which is "every record landed exactly once".
 */
interface SinkUnderTest {

    /** How the pipeline line names the sink, e.g. {@code DuckDB}. */
    String label();

    /** The manifest's {@code sink:} section, with its trailing newline. */
    String manifestSection();

    /** Counts what the finished run left behind; fails in the benchmark's words when it cannot be read. */
    Landed landed();

    /** Rows found, and distinct {@code (_kafka_partition, _kafka_offset)} pairs among them. */
    record Landed(long rows, long distinctPositions) {}

    /**
     * The sink under test for {@code choice}, writing under {@code work} (a fresh directory of this run) and taking its
     * records from {@code topic}.
     */
    static SinkUnderTest of(BenchSink choice, Path work, String topic) {
        if (choice instanceof BenchSink.Delta) {
            return new DeltaUnderTest(work.resolve("delta"), topic);
        }
        if (choice instanceof BenchSink.Parquet) {
            return new ParquetUnderTest(work.resolve("parquet"), topic);
        }
        return new DuckDbUnderTest(work.resolve("bench.duckdb"));
    }

    /** Runs a query that returns {@code count(*), count(DISTINCT (_kafka_partition, _kafka_offset))}. */
    static Landed count(Connection c, String sql, String where) {
        try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new Landed(rs.getLong(1), rs.getLong(2));
        } catch (SQLException e) {
            throw new SluiceException(Stage.SETUP, "cannot count what the pipeline wrote to " + where + ": " + e.getMessage(), e);
        }
    }
}
