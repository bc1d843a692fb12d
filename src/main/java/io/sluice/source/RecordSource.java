package io.sluice.source;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What the run loop reads: records in order within each partition of a plan, and how far it has read. Positions are
 * opaque to the run loop and to sinks, which only store and compare them: per partition (a {@link TopicPartition} used
 * as a pair of stream name and partition number), the next position as a number. Kafka's {@link PartitionReader} is the
 * one source today; a file source would use the file as the stream and its byte offset, a query source its cursor.
 */
public interface RecordSource {
    /** The next record, waiting at most {@code timeout} when none is buffered; null when none arrived. */
    SourceRecord next(Duration timeout);

    /** Whether every partition has been read to the end of its plan (never, for a continuous read). */
    boolean done();

    /** Per partition read, the position after the last record {@link #next} returned (or where reading stands). */
    Map<TopicPartition, Long> nextPositions();

    /** How many positions of the plan lie behind the reading, summed over partitions (for progress). */
    long consumedSpan();
}
