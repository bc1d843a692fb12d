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

    /**
     * Kafka's id of each topic that exists (a topic deleted and recreated under the same name gets a new one);
     * topics the cluster does not know are absent. An implementation that cannot tell returns an empty map.
     */
    default Map<String, String> topicIds(Collection<String> topics) {
        return Map.of();
    }

    /** The first offset whose timestamp is at or after {@code epochMillis}, or null when there is none. */
    Map<TopicPartition, Long> offsetsForTime(Collection<TopicPartition> partitions, long epochMillis);
}
