package io.sluice.source;

import org.apache.kafka.common.TopicPartition;

/**
 * What a run reads of one partition: offsets in {@code [startNext, endNext)}. {@code endNext} is
 * {@link #UNBOUNDED} in continuous mode. Both are "next offset" positions, never last-record offsets.
 */
public record PartitionRange(TopicPartition partition, long startNext, long endNext) {
    public static final long UNBOUNDED = Long.MAX_VALUE;

    public boolean bounded() {
        return endNext != UNBOUNDED;
    }

    /** Upper bound of records to read (markers and compaction gaps make the real count smaller). */
    public long span() {
        return bounded() ? Math.max(0, endNext - startNext) : 0;
    }
}
