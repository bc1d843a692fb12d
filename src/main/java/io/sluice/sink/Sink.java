package io.sluice.sink;

import io.sluice.schema.Column;
import java.util.List;
import java.util.Optional;

/**
 * Where a pipeline's rows land, together with the positions they cover. The positions a sink stores per table
 * are the truth about what each table holds: the run loop starts every source partition from the position of
 * the table it feeds ({@link #positions()}, seen through {@link Positions}), and every {@link #commit} moves
 * rows and positions in one atomic step, which is what makes a kill at any moment lose and duplicate nothing.
 *
 * <p>Lifecycle: {@link SinkProvider#open} → {@link #positions()} → {@link #commit} any number of
 * times → {@link #close()}. Used by one thread.
 */
public interface Sink extends AutoCloseable {

    /**
     * Every position the sink's tables hold, stored by any pipeline: per table and source partition, the next
     * offset to read. Partitions never committed to a table are absent.
     */
    List<StoredPosition> positions();

    /**
     * The columns of a table as the sink holds them, or empty when the table does not exist. Schema evolution
     * compares batches with this.
     */
    Optional<List<Column>> columns(String table);

    /**
     * Writes every row of {@code batch} and records {@link Batch#positions()} atomically: after a normal
     * return all of it is durable; after an exception (or a crash) none of it is visible and the stored
     * positions are unchanged. Creates and evolves tables as the batch's columns need.
     */
    void commit(Batch batch);

    /**
     * Overwrites the stored positions of the given tables and partitions ({@code offsets reset}); others are kept.
     */
    void storePositions(List<TablePosition> positions);

    /** Releases the storage handle. A batch not yet committed is discarded. */
    @Override
    void close();
}
