package io.sluice.sink.duckdb;

import io.sluice.sink.TableSinkConfig;
import java.nio.file.Path;

/**
 * @param path          the database file (relative paths resolve against the working directory)
 * @param schema        the schema tables go to; positions always live in {@code main._sluice_offsets}
 * @param tableTemplate a table name, or a template with {@code {topic}} for one table per topic
 * @param checkpointThreshold WAL size at which DuckDB folds committed data into the database file; larger
 *                      values mean fewer rewrites of partly filled row groups, a longer WAL replay after a crash
 * @param memoryLimit   DuckDB's memory limit, so an ingest process stays bounded
 * @param mergeTopics   topics whose names the template maps to one table may share it ({@code merge_topics: true})
 * @param commitRows    one transaction spans batches until it holds at least this many rows ({@code commit_rows}):
 *                      large transactions let DuckDB write row groups straight to the file instead of the WAL
 * @param commitInterval ... or until it has been open this long ({@code commit_interval_ms}; 0 commits every batch)
 * @param threads       DuckDB's worker threads for the ingest connection ({@code threads}): appends are single-threaded
 *                      anyway, and more threads only add CPU to commits on a machine the broker shares
 */
record DuckDbSinkConfig(Path path, String schema, String tableTemplate, String checkpointThreshold, String memoryLimit,
        boolean mergeTopics, int commitRows, java.time.Duration commitInterval, int threads) implements TableSinkConfig {
    static final int DEFAULT_COMMIT_ROWS = 250_000;
    static final int DEFAULT_COMMIT_INTERVAL_MS = 2_000;

    DuckDbSinkConfig(Path path, String schema, String tableTemplate, String checkpointThreshold, String memoryLimit,
            boolean mergeTopics, int commitRows, java.time.Duration commitInterval) {
        this(path, schema, tableTemplate, checkpointThreshold, memoryLimit, mergeTopics, commitRows, commitInterval, 1);
    }

    /** A configuration that commits every batch, as tests of one commit want. */
    DuckDbSinkConfig(Path path, String schema, String tableTemplate, String checkpointThreshold, String memoryLimit,
            boolean mergeTopics) {
        this(path, schema, tableTemplate, checkpointThreshold, memoryLimit, mergeTopics, 1, java.time.Duration.ZERO, 1);
    }

    @Override
    public String location() {
        return path.toAbsolutePath().normalize().toString();
    }
}
