package io.sluice.sink;

import io.sluice.schema.Column;
import java.util.List;
import java.util.Optional;

/**
 * Where a pipeline's rows land, together with the positions they cover. The positions a sink stores per table are the
 * truth about what each table holds: the run starts every source partition after what the table it feeds holds
 * ({@link #positions()}, seen through {@link Positions}), and a table's rows and positions become durable in one
 * atomic step, which is what makes a kill at any moment lose and duplicate nothing.
 *
 * <p><b>Write and commit apart.</b> The run hands batches over with {@link #write}; the sink decides when they become
 * durable: a database may commit each batch, or keep one transaction open across batches up to a size or time; a file
 * sink rolls files at a target size and commits at an interval. {@link #write} and {@link #flush} return how far
 * batches are durable, by {@link Batch#sequence()}; durability is always a prefix of the batches handed over. The run
 * reports progress, summaries and the Kafka group-offset mirror for durable batches only, calls {@link #flush} when
 * {@link #flushDue()} says so, at the end of a bounded run and on a clean stop.
 *
 * <p><b>Fencing.</b> Each commit proves the writer still owns what it writes: the stored positions it covers are still
 * those it started from or last committed (a compare-and-set, a conditional write, a lock held since
 * {@link SinkProvider#open}). A writer that lost that claim commits nothing and throws {@link FencedException} naming
 * its pipeline and the other writer's claim. So two runs of one pipeline at once never duplicate a record.
 *
 * <p>Lifecycle: {@link SinkProvider#open} → {@link #positions()} → {@link #write} and {@link #flush} any number of
 * times → {@link #close()}. Used by one thread at a time. After a {@link #write} or {@link #flush} threw, the sink is
 * only closed.
 */
public interface Sink extends AutoCloseable {
    /** What this sink can do; the same as {@link SinkProvider#capabilities} for its configuration. */
    SinkCapabilities capabilities();

    /**
     * Every position the sink's tables hold durably, stored by any pipeline: per table and source partition, the next
     * offset to read. Partitions never committed to a table are absent. Called once, before the first write; it is
     * what this writer's claim starts from.
     */
    List<StoredPosition> positions();

    /**
     * The columns of a table as the sink holds them (durably or in batches written but not yet durable), or empty when
     * the table does not exist. Schema evolution compares batches with this.
     */
    Optional<List<Column>> columns(String table);

    /**
     * Hands over a batch whose {@link Batch#sequence()} follows the previous one. Applies its schema changes and writes
     * its rows, durably now or later. Returns the sequence of the newest batch durable after this call (-1 when none
     * is). After an exception (or a crash) nothing that was not durable before becomes visible, and the stored
     * positions stay as they were durably.
     */
    long write(Batch batch);

    /** Makes every batch written so far durable; returns the sequence of the newest one (-1 when none was written). */
    long flush();

    /** Whether batches written but not yet durable should be flushed now (their commit interval has passed). */
    default boolean flushDue() {
        return false;
    }

    /**
     * Overwrites the stored positions of the given tables and partitions ({@code offsets reset}) durably at once;
     * others are kept. Not used while batches wait to become durable.
     */
    void storePositions(List<TablePosition> positions);

    /** Releases the storage handle. Batches not yet durable are discarded, as a crash would. */
    @Override
    void close();
}
