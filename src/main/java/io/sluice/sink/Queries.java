package io.sluice.sink;

/**
 * Read-only SQL over what a sink has written, for {@code sluice query}. A sink that writes a database (DuckDB) opens
 * the database itself, read-only; a sink that writes files (Parquet, Delta) would open an in-memory engine with one
 * view per table over its files. Nothing run through it may change the sink's data or write anywhere else.
 *
 * <p>Lifecycle: {@link SinkProvider#openQueries}, any number of {@link #run} calls, {@link #close}.
 */
public interface Queries extends AutoCloseable {
    /**
     * Runs one statement and returns its whole result. Bad SQL, or a statement that would write, throws
     * {@link io.sluice.pipeline.SluiceException} with stage QUERY naming where the data lives.
     */
    QueryResult run(String sql);

    @Override
    void close();
}
