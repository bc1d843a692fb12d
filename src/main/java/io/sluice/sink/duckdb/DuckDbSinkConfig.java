package io.sluice.sink.duckdb;

import io.sluice.schema.Names;
import io.sluice.sink.SinkConfig;
import java.nio.file.Path;

/**
 * @param path          the database file (relative paths resolve against the working directory)
 * @param schema        the schema tables go to; offsets always live in {@code main._sluice_offsets}
 * @param tableTemplate a table name, or a template with {@code {topic}} for one table per topic
 */
record DuckDbSinkConfig(Path path, String schema, String tableTemplate) implements SinkConfig {
    @Override
    public String targetFor(String topic) {
        return tableTemplate.replace("{topic}", Names.safeIdentifier(topic));
    }

    @Override
    public String location() {
        return path.toAbsolutePath().normalize().toString();
    }
}
