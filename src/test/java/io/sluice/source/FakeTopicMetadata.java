package io.sluice.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/** In-memory topics: per partition a log start, an end offset and, optionally, record timestamps. */
final class FakeTopicMetadata implements TopicMetadata {
    private final Map<String, List<TopicPartition>> topics = new TreeMap<>();
    private final Map<TopicPartition, Long> begin = new HashMap<>();
    private final Map<TopicPartition, Long> end = new HashMap<>();
    private final Map<TopicPartition, NavigableMap<Long, Long>> offsetByTime = new HashMap<>();

    /** Adds {@code topic-partition} holding offsets {@code [logStart, endNext)}. */
    FakeTopicMetadata partition(String topic, int partition, long logStart, long endNext) {
        TopicPartition tp = new TopicPartition(topic, partition);
        topics.computeIfAbsent(topic, t -> new ArrayList<>()).add(tp);
        topics.get(topic).sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        begin.put(tp, logStart);
        end.put(tp, endNext);
        return this;
    }

    /** Gives the partition's records, from its log start on, timestamps {@code firstMillis}, +{@code stepMillis}, ... */
    FakeTopicMetadata timestamps(String topic, int partition, long firstMillis, long stepMillis) {
        TopicPartition tp = new TopicPartition(topic, partition);
        NavigableMap<Long, Long> byTime = new TreeMap<>();
        for (long o = begin.get(tp); o < end.get(tp); o++) {
            byTime.putIfAbsent(firstMillis + (o - begin.get(tp)) * stepMillis, o);
        }
        offsetByTime.put(tp, byTime);
        return this;
    }

    @Override
    public Map<String, List<TopicPartition>> topics() {
        Map<String, List<TopicPartition>> copy = new TreeMap<>();
        topics.forEach((t, ps) -> copy.put(t, List.copyOf(ps)));
        return copy;
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return pick(begin, partitions);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return pick(end, partitions);
    }

    @Override
    public Map<TopicPartition, Long> offsetsForTime(Collection<TopicPartition> partitions, long epochMillis) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition p : partitions) {
            Map.Entry<Long, Long> e = offsetByTime.getOrDefault(p, new TreeMap<>()).ceilingEntry(epochMillis);
            out.put(p, e == null ? null : e.getValue());
        }
        return out;
    }

    private static Map<TopicPartition, Long> pick(Map<TopicPartition, Long> from, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition p : partitions) {
            out.put(p, from.get(p));
        }
        return out;
    }
}
