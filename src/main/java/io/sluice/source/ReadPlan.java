package io.sluice.source;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The ranges a run reads, decided once at start, and the facts behind them.
 *
 * @param stored         the offsets stored in the sink when the plan was made
 * @param highWatermarks per partition, the end offset (last stable offset) at planning time
 * @param topicIds       per topic planned, Kafka's topic id at planning time (empty when it cannot be told)
 * @param warnings       things the user should know, such as records lost to retention before they were read
 */
public record ReadPlan(List<PartitionRange> ranges, Map<TopicPartition, Long> stored,
        Map<TopicPartition, Long> highWatermarks, Map<String, String> topicIds, List<String> warnings) {
    public ReadPlan {
        ranges = List.copyOf(ranges);
        stored = Map.copyOf(stored);
        highWatermarks = Map.copyOf(highWatermarks);
        topicIds = Map.copyOf(topicIds);
        warnings = List.copyOf(warnings);
    }

    /** The topics the plan reads, sorted. */
    public java.util.Set<String> topics() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        ranges.forEach(r -> out.add(r.partition().topic()));
        return out;
    }

    public long recordsToRead() {
        return ranges.stream().mapToLong(PartitionRange::span).sum();
    }
}
