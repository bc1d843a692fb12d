package io.sluice.source;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The metadata calls planning needs; {@link ConsumerMetadata} answers them from a real consumer. */
public interface TopicMetadata {
    /** Every topic visible to the client with its partitions (internal topics excluded). */
    Map<String, List<TopicPartition>> topics();

    Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

    /** End offsets: the last stable offset, since Sluice reads committed records only. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);

    /** The first offset whose timestamp is at or after {@code epochMillis}, or null when there is none. */
    Map<TopicPartition, Long> offsetsForTime(Collection<TopicPartition> partitions, long epochMillis);
}
