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

    /** Plans the whole run from the stored offsets, with no topic ids to check them against. */
    public ReadPlan plan(Map<TopicPartition, Long> stored) {
        return plan(stored, Map.of());
    }

    /**
     * Plans the whole run from the stored offsets. {@code storedTopicIds} are the Kafka topic ids the offsets were
     * stored for: a topic whose id differs was deleted and recreated, and its stored offsets name other records.
     */
    public ReadPlan plan(Map<TopicPartition, Long> stored, Map<String, String> storedTopicIds) {
        Map<String, List<TopicPartition>> topics = metadata.topics();
        List<TopicPartition> parts = partitions(topics);
        ReadPlan plan = planFor(parts, stored, storedTopicIds, options.readMode(), false);
        if (parts.isEmpty() && selection instanceof TopicSelection.Matching m) {
            List<String> warnings = new ArrayList<>(plan.warnings());
            warnings.add(NoMatch.describe(m, topics.keySet(), options.readMode() instanceof ReadMode.Continuous));
            return new ReadPlan(plan.ranges(), plan.stored(), plan.highWatermarks(), plan.topicIds(), warnings);
        }
        return plan;
    }

    /** Plans partitions that appeared while running continuously, with no topic ids to check. */
    public ReadPlan planNew(Set<TopicPartition> known, Map<TopicPartition, Long> stored) {
        return planNew(known, stored, Map.of());
    }

    /**
     * Plans partitions that appeared while running continuously (new topics or partitions). They start at their
     * stored offset or else at their earliest offset, whatever {@code initial_position} says: every record they
     * hold was written after the run's first plan, so starting at {@code latest} would lose the records written
     * between two refreshes.
     */
    public ReadPlan planNew(Set<TopicPartition> known, Map<TopicPartition, Long> stored, Map<String, String> storedTopicIds) {
        List<TopicPartition> fresh = partitions().stream().filter(p -> !known.contains(p)).toList();
        return planFor(fresh, stored, storedTopicIds, new ReadMode.Continuous(), true);
    }

    private ReadPlan planFor(List<TopicPartition> parts, Map<TopicPartition, Long> stored, Map<String, String> storedTopicIds,
            ReadMode mode, boolean appearedWhileRunning) {
        List<String> warnings = new ArrayList<>();
        if (parts.isEmpty()) {
            return new ReadPlan(List.of(), stored, Map.of(), Map.of(), warnings);
        }
        Map<String, String> topicIds = metadata.topicIds(parts.stream().map(TopicPartition::topic).distinct().toList());
        if (options.resumeFromStored()) {
            checkTopicIds(topicIds, storedTopicIds);
        }
        Map<TopicPartition, Long> begin = metadata.beginningOffsets(parts);
        Map<TopicPartition, Long> end = metadata.endOffsets(parts);
        Map<TopicPartition, Long> initial = appearedWhileRunning ? begin : initialPositions(parts, begin, end);
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
                warnings.add(retentionGap(p, s, b, b));
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
        return new ReadPlan(ranges, stored, end, topicIds, warnings);
    }

    /**
     * Stops a continuous run whose topics were deleted and recreated while it read them ({@code known}: the ids
     * read at planning time): the new topic's offsets count other records than the positions the run holds.
     */
    public void checkStillSameTopics(Map<String, String> known) {
        if (!known.isEmpty()) {
            checkTopicIds(metadata.topicIds(known.keySet()), known);
        }
    }

    private static void checkTopicIds(Map<String, String> current, Map<String, String> stored) {
        List<String> recreated = new ArrayList<>();
        current.forEach((topic, id) -> {
            String was = stored.get(topic);
            if (was != null && !was.equals(id)) {
                recreated.add(topic + " (stored for topic id " + was + ", now " + id + ")");
            }
        });
        if (!recreated.isEmpty()) {
            recreated.sort(null);
            throw new OffsetConflictException("topic" + (recreated.size() > 1 ? "s " : " ") + String.join(", ", recreated)
                    + (recreated.size() > 1 ? " were" : " was") + " deleted and recreated since the stored offsets were committed;"
                    + " they count records of the old topic, so reading on from them would skip or mix records."
                    + " Read the new topic from its start with `sluice offsets reset <manifest> --to earliest --yes`"
                    + " (or --to latest to skip what it holds), then run again.");
        }
    }

    /**
     * The warning for records {@code [fromNext, logStart)} deleted by retention before Sluice read them, the same
     * at plan time and mid-run; reading goes on at {@code continueAt}.
     */
    public static String retentionGap(TopicPartition p, long fromNext, long logStart, long continueAt) {
        return p + ": records " + fromNext + ".." + (logStart - 1) + " were deleted by retention before they were read;"
                + " continuing at " + continueAt;
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
