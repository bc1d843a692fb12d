package io.sluice.sink;

import io.sluice.manifest.ConfigNode;

/**
 * Makes sinks of one {@code type:}. Providers are found with {@link java.util.ServiceLoader}; the built-in
 * ones are registered in {@code META-INF/services/io.sluice.sink.SinkProvider} exactly as a plugin's would be.
 */
public interface SinkProvider {
    /** The manifest's {@code sink.type} value this provider answers to. */
    String type();

    /**
     * Reads the {@code sink:} section. Reports every problem on {@code node} (never throws for bad input) and
     * must not connect to anything: {@code validate} runs this. {@code type} has been read already.
     */
    SinkConfig parse(ConfigNode node);

    /** What sinks of this configuration can do (types, widenings, atomic multi-table commits, queries). */
    SinkCapabilities capabilities(SinkConfig config);

    /**
     * Opens the sink for one pipeline. A target another writer holds throws {@link FencedException}. Connection or storage failures throw
     * {@link io.sluice.pipeline.SluiceException} with stage CONNECT or WRITE.
     */
    Sink open(SinkConfig config, String pipelineName);

    /**
     * Every position the target holds, as {@link Sink#positions()} would return it, read without creating or
     * changing anything (for {@code plan}, {@code offsets show} and {@code schema diff}); empty when the target
     * does not exist yet. {@code pipelineName} lets a sink read positions it stored in an older layout.
     */
    java.util.List<StoredPosition> readPositions(SinkConfig config, String pipelineName);

    /**
     * A table's columns, read without creating or changing anything (for {@code schema diff}); empty when the
     * table does not exist.
     */
    java.util.Optional<java.util.List<io.sluice.schema.Column>> readColumns(SinkConfig config, String table);

    /** The statement that would create {@code table} with {@code columns}, in the sink's own dialect. */
    String createTableStatement(SinkConfig config, String table, java.util.List<io.sluice.schema.Column> columns);

    /**
     * Opens read-only SQL over the tables {@code pipelineName} writes, for {@code sluice query}; empty when this kind of
     * sink cannot be queried yet. Throws {@link io.sluice.pipeline.SluiceException} when there is nothing to query
     * yet (the pipeline has not run) or the data cannot be opened (locked, unreadable), naming where it lives.
     */
    default java.util.Optional<Queries> openQueries(SinkConfig config, String pipelineName) {
        return java.util.Optional.empty();
    }

    /**
     * Opens upkeep of the tables {@code pipelineName}'s sink writes ({@code sluice table}); empty when this kind of sink
     * has none (it keeps no versions of its tables). Throws {@link io.sluice.pipeline.SluiceException} when the
     * location cannot be reached, naming it.
     */
    default java.util.Optional<TableMaintenance> openMaintenance(SinkConfig config, String pipelineName) {
        return java.util.Optional.empty();
    }
}
