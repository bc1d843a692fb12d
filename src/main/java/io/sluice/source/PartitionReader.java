package io.sluice.source;

import io.sluice.pipeline.OffsetConflictException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
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
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads planned ranges with an assigned (not subscribed) consumer. Hands out records one at a time, never
 * past a range's end, and knows for every partition the next offset that covers exactly the records handed
 * out so far, including transaction markers and compacted gaps, since it asks the consumer's position
 * rather than counting records. A bounded partition is done when its position reaches its end.
 *
 * <p>The consumer must not reset offsets on its own ({@code auto.offset.reset: none}): when retention deletes
 * records before they are read, the reader reports the lost range through {@code warnings} and goes on at the
 * log start, and a position beyond the end of the log stops the run. Compaction gaps and transaction markers,
 * which are no loss, pass silently. It also measures how long it waited for records without moving on
 * ({@link #idleNanos}), which {@link SourceHealth} turns into a failure or an unhealthy warning.
 */
public final class PartitionReader implements RecordSource {
    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionRange> ranges = new HashMap<>();
    private final Set<TopicPartition> active = new HashSet<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private final Map<TopicPartition, Integer> pendingPerPartition = new HashMap<>();
    private final Map<TopicPartition, Long> lastPosition = new HashMap<>();
    private final TopicMetadata metadata;
    private final java.util.function.Consumer<String> warnings;
    private long idleNanos;

    /**
     * @param metadata answers the log start and end after the broker said a position is out of range
     * @param warnings receives what the user must know, such as records lost to retention while reading
     */
    public PartitionReader(Consumer<byte[], byte[]> consumer, TopicMetadata metadata, java.util.function.Consumer<String> warnings) {
        this.consumer = consumer;
        this.metadata = metadata;
        this.warnings = warnings;
    }

    /** Starts reading more ranges (all at once at start; later ones as new partitions appear). */
    public void add(Collection<PartitionRange> more) {
        List<TopicPartition> toSeek = new ArrayList<>();
        for (PartitionRange r : more) {
            ranges.put(r.partition(), r);
            next.put(r.partition(), r.startNext());
            lastPosition.put(r.partition(), r.startNext());
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
        idleNanos = 0;
    }

    public Set<TopicPartition> known() {
        return ranges.keySet();
    }

    /** True when every range is bounded and fully read. */
    @Override
    public boolean done() {
        return active.isEmpty() && pending.isEmpty() && ranges.values().stream().allMatch(PartitionRange::bounded);
    }

    /**
     * The next record, polling for at most {@code timeout} when none is buffered; null when none arrived.
     */
    @Override
    public SourceRecord next(Duration timeout) {
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
        return r == null ? null : SourceRecord.of(r);
    }

    private void fill(Duration timeout) {
        long t0 = System.nanoTime();
        boolean progressed = false;
        try {
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
            progressed = !polled.isEmpty();
        } catch (OffsetOutOfRangeException e) {
            progressed = skipDeleted(e.offsetOutOfRangePartitions());
        }
        List<TopicPartition> finished = new ArrayList<>();
        for (TopicPartition p : active) {
            long pos = consumer.position(p);
            Long before = lastPosition.put(p, pos);
            if (before == null || before != pos) {
                progressed = true;
            }
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
        idleNanos = progressed ? 0 : idleNanos + (System.nanoTime() - t0);
    }

    /**
     * The broker refused to fetch from these positions. Below the log start, retention deleted records this run
     * has not read: report the range and go on at the log start. Beyond the end, the log lost records this run
     * already read (truncated, or the topic recreated): stop. In between, the log moved under the fetch; fetch again.
     */
    private boolean skipDeleted(Map<TopicPartition, Long> outOfRange) {
        List<TopicPartition> parts = new ArrayList<>(outOfRange.keySet());
        Map<TopicPartition, Long> begin;
        Map<TopicPartition, Long> end;
        try {
            begin = metadata.beginningOffsets(parts);
            end = metadata.endOffsets(parts);
        } catch (SluiceException e) {
            if (e.stage() != Stage.CONNECT) {
                throw e;
            }
            return false; // the next poll fails the same way and asks again; SourceHealth sees no progress meanwhile
        }
        boolean moved = false;
        for (TopicPartition p : parts) {
            long at = outOfRange.get(p);
            long logStart = begin.get(p);
            long rangeEnd = ranges.get(p).endNext();
            if (at < logStart) {
                long lostTo = Math.min(logStart, rangeEnd);
                warnings.accept(BoundaryPlanner.retentionGap(p, at, lostTo, lostTo) + " (deleted while this run was reading)");
                consumer.seek(p, logStart);
                moved = true;
            } else if (at > end.get(p)) {
                throw new OffsetConflictException(p + ": the run reached offset " + at + " but the partition now ends at "
                        + end.get(p) + " (was the topic deleted and recreated, or its log truncated?). Everything committed"
                        + " before is kept; check the topic, then move the stored offsets with `sluice offsets reset`.");
            } else {
                consumer.seek(p, at);
            }
        }
        return moved;
    }

    private long positionOf(TopicPartition p) {
        return Math.min(consumer.position(p), ranges.get(p).endNext());
    }

    /**
     * How long polls have waited without a record or a position moving since the last such progress (or since
     * partitions were added); time spent outside polls, such as waiting for a commit, does not count.
     */
    public long idleNanos() {
        return idleNanos;
    }

    /** The bounded or continuous partitions still being read, with the next offset of each. */
    public Map<TopicPartition, Long> activeNextOffsets() {
        Map<TopicPartition, Long> out = new HashMap<>();
        active.forEach(p -> out.put(p, next.get(p)));
        return out;
    }

    /** What this run reads of a partition it knows. */
    public PartitionRange range(TopicPartition p) {
        return ranges.get(p);
    }

    /** Per partition, the next offset after everything handed out so far. */
    @Override
    public Map<TopicPartition, Long> nextPositions() {
        return Map.copyOf(next);
    }

    /** Records handed out of all bounded ranges, for progress: (position - start) summed. */
    @Override
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
