package io.sluice.source;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads planned ranges with an assigned (not subscribed) consumer. Hands out records one at a time, never
 * past a range's end, and knows for every partition the next offset that covers exactly the records handed
 * out so far, including transaction markers and compacted gaps, since it asks the consumer's position
 * rather than counting records. A bounded partition is done when its position reaches its end.
 */
public final class PartitionReader {
    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionRange> ranges = new HashMap<>();
    private final Set<TopicPartition> active = new HashSet<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private final Map<TopicPartition, Integer> pendingPerPartition = new HashMap<>();

    public PartitionReader(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Starts reading more ranges (all at once at start; later ones as new partitions appear). */
    public void add(Collection<PartitionRange> more) {
        List<TopicPartition> toSeek = new ArrayList<>();
        for (PartitionRange r : more) {
            ranges.put(r.partition(), r);
            next.put(r.partition(), r.startNext());
            if (r.startNext() < r.endNext()) {
                active.add(r.partition());
                assigned.add(r.partition());
                toSeek.add(r.partition());
            }
        }
        consumer.assign(new ArrayList<>(assigned));
        for (TopicPartition p : toSeek) {
            consumer.seek(p, ranges.get(p).startNext());
        }
    }

    public Set<TopicPartition> known() {
        return ranges.keySet();
    }

    /** True when every range is bounded and fully read. */
    public boolean done() {
        return active.isEmpty() && pending.isEmpty() && ranges.values().stream().allMatch(PartitionRange::bounded);
    }

    /**
     * The next record, polling for at most {@code timeout} when none is buffered; null when none arrived.
     */
    public ConsumerRecord<byte[], byte[]> nextRecord(Duration timeout) {
        if (pending.isEmpty() && !active.isEmpty()) {
            fill(timeout);
        }
        ConsumerRecord<byte[], byte[]> r = pending.poll();
        if (r != null) {
            TopicPartition p = new TopicPartition(r.topic(), r.partition());
            pendingPerPartition.merge(p, -1, Integer::sum);
            if (pendingPerPartition.get(p) == 0) {
                pendingPerPartition.remove(p);
                next.put(p, positionOf(p));
            } else {
                next.put(p, r.offset() + 1);
            }
        }
        return r;
    }

    private void fill(Duration timeout) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(timeout);
        for (TopicPartition p : polled.partitions()) {
            long end = ranges.get(p).endNext();
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> r : polled.records(p)) {
                if (r.offset() < end) {
                    pending.add(r);
                    n++;
                }
            }
            if (n > 0) {
                pendingPerPartition.merge(p, n, Integer::sum);
            }
        }
        List<TopicPartition> finished = new ArrayList<>();
        for (TopicPartition p : active) {
            long pos = consumer.position(p);
            if (!pendingPerPartition.containsKey(p)) {
                next.put(p, Math.min(pos, ranges.get(p).endNext()));
            }
            if (pos >= ranges.get(p).endNext()) {
                finished.add(p);
            }
        }
        if (!finished.isEmpty()) {
            finished.forEach(active::remove);
            consumer.pause(finished);
        }
    }

    private long positionOf(TopicPartition p) {
        return Math.min(consumer.position(p), ranges.get(p).endNext());
    }

    /** Per partition, the next offset after everything handed out so far. */
    public Map<TopicPartition, Long> nextOffsets() {
        return Map.copyOf(next);
    }

    /** Records handed out of all bounded ranges, for progress: (position - start) summed. */
    public long consumedSpan() {
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            PartitionRange r = ranges.get(e.getKey());
            n += e.getValue() - r.startNext();
        }
        return n;
    }

    public void wakeup() {
        consumer.wakeup();
    }
}
