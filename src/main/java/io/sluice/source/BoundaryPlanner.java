package io.sluice.source;

import io.sluice.manifest.ReadMode;
import io.sluice.manifest.SourceOptions;
import io.sluice.manifest.StartPosition;
import io.sluice.manifest.TopicSelection;
import io.sluice.pipeline.OffsetConflictException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides what a run reads: the partitions of the selected topics and, for each, the range from the stored
 * (or initial) position to the end fixed by the read mode. Reading is someone else's job
 * ({@link PartitionReader}); this class only asks for metadata.
 */
public final class BoundaryPlanner {
    private final TopicMetadata metadata;
    private final TopicSelection selection;
    private final SourceOptions options;

    public BoundaryPlanner(TopicMetadata metadata, TopicSelection selection, SourceOptions options) {
        this.metadata = metadata;
        this.selection = selection;
        this.options = options;
    }

    /** The partitions the selection covers right now, in topic and partition order. */
    public List<TopicPartition> partitions() {
        return partitions(metadata.topics());
    }

    private List<TopicPartition> partitions(Map<String, List<TopicPartition>> topics) {
        List<TopicPartition> out = new ArrayList<>();
        if (selection instanceof TopicSelection.Named named) {
            List<String> missing = named.topics().stream().filter(t -> !topics.containsKey(t)).toList();
            if (!missing.isEmpty()) {
                throw new SluiceException(Stage.PLAN, "topic" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                        + " do" + (missing.size() > 1 ? "" : "es") + " not exist (source.topics)");
            }
            named.topics().forEach(t -> out.addAll(topics.get(t)));
        } else {
            topics.forEach((t, parts) -> {
                if (selection.matches(t)) {
                    out.addAll(parts);
                }
            });
        }
        return out;
    }

    /** Plans the whole run from the stored offsets. */
    public ReadPlan plan(Map<TopicPartition, Long> stored) {
        Map<String, List<TopicPartition>> topics = metadata.topics();
        List<TopicPartition> parts = partitions(topics);
        ReadPlan plan = planFor(parts, stored, options.readMode());
        if (parts.isEmpty() && selection instanceof TopicSelection.Matching m) {
            List<String> warnings = new ArrayList<>(plan.warnings());
            warnings.add(NoMatch.describe(m, topics.keySet(), options.readMode() instanceof ReadMode.Continuous));
            return new ReadPlan(plan.ranges(), plan.stored(), plan.highWatermarks(), warnings);
        }
        return plan;
    }

    /** Plans partitions that appeared while running continuously (new topics or partitions). */
    public ReadPlan planNew(Set<TopicPartition> known, Map<TopicPartition, Long> stored) {
        List<TopicPartition> fresh = partitions().stream().filter(p -> !known.contains(p)).toList();
        return planFor(fresh, stored, new ReadMode.Continuous());
    }

    private ReadPlan planFor(List<TopicPartition> parts, Map<TopicPartition, Long> stored, ReadMode mode) {
        List<String> warnings = new ArrayList<>();
        if (parts.isEmpty()) {
            return new ReadPlan(List.of(), stored, Map.of(), warnings);
        }
        Map<TopicPartition, Long> begin = metadata.beginningOffsets(parts);
        Map<TopicPartition, Long> end = metadata.endOffsets(parts);
        Map<TopicPartition, Long> initial = initialPositions(parts, begin, end);
        Map<TopicPartition, Long> windowStart = mode instanceof ReadMode.TimeWindow w
                ? resolve(metadata.offsetsForTime(parts, w.from().toEpochMilli()), end) : Map.of();
        Map<TopicPartition, Long> windowEnd = mode instanceof ReadMode.TimeWindow w && w.to().isPresent()
                ? resolve(metadata.offsetsForTime(parts, w.to().get().toEpochMilli()), end) : end;

        List<String> conflicts = new ArrayList<>();
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (TopicPartition p : parts) {
            long b = begin.get(p);
            long e = end.get(p);
            Long s = options.resumeFromStored() ? stored.get(p) : null;
            long start;
            if (s == null) {
                start = initial.get(p);
            } else if (s > e) {
                conflicts.add(p + " stored next offset " + s + " is beyond the end offset " + e);
                continue;
            } else if (s < b) {
                warnings.add(p + ": records " + s + ".." + (b - 1) + " were deleted by retention before they were read;"
                        + " continuing at " + b);
                start = b;
            } else {
                start = s;
            }
            if (mode instanceof ReadMode.TimeWindow) {
                start = Math.max(start, windowStart.get(p));
            }
            starts.put(p, start);
        }
        if (!conflicts.isEmpty()) {
            throw new OffsetConflictException("stored offsets do not fit the topic (was it deleted and recreated?): "
                    + String.join("; ", conflicts) + ". Move them with `sluice offsets reset`.");
        }
        Map<TopicPartition, Long> ends;
        if (mode instanceof ReadMode.Continuous) {
            ends = constant(parts, PartitionRange.UNBOUNDED);
        } else if (mode instanceof ReadMode.TimeWindow) {
            ends = windowEnd;
        } else if (mode instanceof ReadMode.MaxRecords m) {
            ends = shareBudget(parts, starts, end, m.maxRecords());
        } else {
            ends = end;
        }
        List<PartitionRange> ranges = new ArrayList<>();
        for (TopicPartition p : parts) {
            long s = starts.get(p);
            long e = Math.max(s, ends.get(p));
            ranges.add(new PartitionRange(p, s, e));
        }
        return new ReadPlan(ranges, stored, end, warnings);
    }

    private Map<TopicPartition, Long> initialPositions(List<TopicPartition> parts, Map<TopicPartition, Long> begin,
            Map<TopicPartition, Long> end) {
        StartPosition pos = options.initial();
        if (pos instanceof StartPosition.AtTimestamp t) {
            return resolve(metadata.offsetsForTime(parts, t.timestamp().toEpochMilli()), end);
        }
        return pos instanceof StartPosition.Latest ? end : begin;
    }

    /** A missing offset-for-time means no record is that late: the end offset. */
    private static Map<TopicPartition, Long> resolve(Map<TopicPartition, Long> found, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> out = new HashMap<>();
        end.forEach((p, e) -> {
            Long f = found.get(p);
            out.put(p, f == null ? e : Math.min(f, e));
        });
        return out;
    }

    /** Water-fills {@code budget} over the partitions so none gets more than it has, in a deterministic order. */
    static Map<TopicPartition, Long> shareBudget(Collection<TopicPartition> parts, Map<TopicPartition, Long> starts,
            Map<TopicPartition, Long> end, long budget) {
        List<TopicPartition> order = new ArrayList<>(parts);
        order.sort(Comparator.comparingLong((TopicPartition p) -> end.get(p) - starts.get(p))
                .thenComparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Map<TopicPartition, Long> ends = new HashMap<>();
        long left = budget;
        for (int i = 0; i < order.size(); i++) {
            TopicPartition p = order.get(i);
            long available = end.get(p) - starts.get(p);
            long remainingParts = order.size() - i;
            long share = left / remainingParts + (left % remainingParts == 0 ? 0 : 1);
            long take = Math.min(available, share);
            ends.put(p, starts.get(p) + take);
            left -= take;
        }
        return ends;
    }

    private static Map<TopicPartition, Long> constant(List<TopicPartition> parts, long v) {
        Map<TopicPartition, Long> out = new HashMap<>();
        parts.forEach(p -> out.put(p, v));
        return out;
    }
}
