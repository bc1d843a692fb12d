package io.sluice.sink.duckdb;

import io.sluice.manifest.ConfigNode;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.SinkProvider;
import java.nio.file.Path;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TableSinkConfig;
import java.util.regex.Pattern;

/** {@code type: duckdb}: an embedded DuckDB file; rows and offsets commit in one DuckDB transaction. */
public final class DuckDbSinkProvider implements SinkProvider {
    private static final Pattern SIZE = Pattern.compile("[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", Pattern.CASE_INSENSITIVE);
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Override
    public String type() {
        return "duckdb";
    }

    @Override
    public SinkConfig parse(ConfigNode node) {
        String path = node.string("path", "warehouse.duckdb");
        String schema = node.string("schema", "main");
        if (!IDENT.matcher(schema).matches()) {
            node.error("schema", "\"" + schema + "\" is not a valid schema name (allowed: letters, digits, _; not starting with a digit)");
        }
        String table = TableSinkConfig.parseTable(node, n -> IDENT.matcher(n).matches(), "table name", "letters, digits, _ and {topic}");
        String checkpoint = size(node, "checkpoint_threshold", "1GB");
        String memory = size(node, "memory_limit", "2GB");
        boolean merge = node.bool("merge_topics", false);
        int commitRows = node.intValue("commit_rows", DuckDbSinkConfig.DEFAULT_COMMIT_ROWS, 1, 100_000_000);
        int commitInterval = node.intValue("commit_interval_ms", DuckDbSinkConfig.DEFAULT_COMMIT_INTERVAL_MS, 0, 86_400_000);
        int threads = node.intValue("threads", 1, 1, 256);
        return new DuckDbSinkConfig(io.sluice.storage.HomePaths.of(path), schema, table, checkpoint, memory, merge, commitRows,
                java.time.Duration.ofMillis(commitInterval), threads);
    }

    private static String size(ConfigNode node, String key, String fallback) {
        String v = node.string(key, fallback).trim();
        if (!SIZE.matcher(v).matches()) {
            node.error(key, "\"" + v + "\" is not a size (examples: 512MB, 1GB, 2.5GiB)");
            return fallback;
        }
        return v;
    }

    @Override
    public java.util.Optional<io.sluice.sink.Queries> openQueries(SinkConfig config, String pipelineName) {
        return java.util.Optional.of(DuckDbQueries.open((DuckDbSinkConfig) config, pipelineName));
    }

    @Override
    public io.sluice.sink.SinkCapabilities capabilities(SinkConfig config) {
        return DuckDbSink.CAPABILITIES;
    }

    @Override
    public Sink open(SinkConfig config, String pipelineName) {
        return DuckDbSink.open((DuckDbSinkConfig) config, pipelineName);
    }

    @Override
    public java.util.List<StoredPosition> readPositions(SinkConfig config, String pipelineName) {
        return DuckDbSink.readPositions((DuckDbSinkConfig) config, pipelineName);
    }

    @Override
    public java.util.Optional<java.util.List<io.sluice.schema.Column>> readColumns(SinkConfig config, String table) {
        return DuckDbSink.readColumns((DuckDbSinkConfig) config, table);
    }

    @Override
    public String createTableStatement(SinkConfig config, String table, java.util.List<io.sluice.schema.Column> columns) {
        return DuckDbSink.createTableStatement((DuckDbSinkConfig) config, table, columns);
    }
}
