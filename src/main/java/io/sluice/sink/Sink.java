package io.sluice.sink;

import io.sluice.schema.Column;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a pipeline's rows land, together with the offsets they cover. The sink's offset store is the
 * truth about what has been read: the run loop starts from {@link #committedOffsets()} and every
 * {@link #commit} moves rows and offsets in one atomic step, which is what makes a kill at any moment
 * lose and duplicate nothing.
 *
 * <p>Lifecycle: {@link SinkProvider#open} → {@link #committedOffsets()} → {@link #commit} any number of
 * times → {@link #close()}. Used by one thread.
 */
public interface Sink extends AutoCloseable {

    /**
     * The next offset to read per partition, as committed by earlier runs of this pipeline; partitions never
     * committed are absent.
     */
    Map<TopicPartition, Long> committedOffsets();

    /**
     * The columns of a table as the sink holds them, or empty when the table does not exist. Schema evolution
     * compares batches with this.
     */
    Optional<List<Column>> columns(String table);

    /**
     * Writes every row of {@code batch} and records {@link Batch#nextOffsets()} atomically: after a normal
     * return all of it is durable; after an exception (or a crash) none of it is visible and the stored
     * offsets are unchanged. Creates and evolves tables as the batch's columns need.
     */
    void commit(Batch batch);

    /**
     * Overwrites the stored next offsets of the given partitions ({@code offsets reset}); others are kept.
     */
    void storeOffsets(Map<TopicPartition, Long> nextOffsets);

    /** Releases the storage handle. A batch not yet committed is discarded. */
    @Override
    void close();
}
