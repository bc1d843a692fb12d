package io.sluice.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The positions a sink holds, seen by one pipeline: each source partition starts at the lowest position of the tables it
 * feeds ({@link SinkConfig#tablesFor}), whichever pipeline wrote them, and a table that holds more of a partition than
 * that has its rows dropped until the partition reaches its own position ({@link #aheadOfStart}). That is what keeps
 * two pipelines (or a renamed one) from loading the same records into one table twice, and a sink that commits its
 * tables one by one exactly once when a partition feeds several.
 */
public final class Positions {
    /** Per partition, by table (lower case), the position of each table it feeds that holds one. */
    private final Map<TopicPartition, Map<String, StoredPosition>> mine = new HashMap<>();
    private final Map<String, Set<String>> topicsByTable = new HashMap<>();

    private Positions() {}

    /** The view of {@code stored} through {@code config}'s mapping of topics to tables. */
    public static Positions of(Collection<StoredPosition> stored, SinkConfig config) {
        Positions p = new Positions();
        Map<String, Set<String>> tablesOf = new HashMap<>();
        for (StoredPosition s : stored) {
            TablePosition pos = s.position();
            String topic = pos.partition().topic();
            p.topicsByTable.computeIfAbsent(key(pos.table()), t -> new TreeSet<>()).add(topic);
            Set<String> feeds = tablesOf.computeIfAbsent(topic, t -> lower(config.tablesFor(t)));
            if (feeds.contains(key(pos.table()))) {
                p.mine.computeIfAbsent(pos.partition(), tp -> new TreeMap<>()).put(key(pos.table()), s);
            }
        }
        return p;
    }

    private static Set<String> lower(Set<String> tables) {
        Set<String> out = new java.util.HashSet<>();
        tables.forEach(t -> out.add(key(t)));
        return out;
    }

    public static Positions none() {
        return new Positions();
    }

    /** Per partition this pipeline reads, the lowest next offset of the tables it feeds: where its reading starts. */
    public Map<TopicPartition, Long> nextOffsets() {
        Map<TopicPartition, Long> out = new HashMap<>();
        mine.forEach((tp, byTable) -> out.put(tp, lowest(byTable).position().nextOffset()));
        return out;
    }

    /**
     * Per partition, the tables that hold more of it than where reading starts ({@link #nextOffsets}), with their next
     * offsets: rows of the partition below a table's next offset are already in that table. Empty while every partition
     * feeds one table, or its tables hold the same.
     */
    public Map<TopicPartition, Map<String, Long>> aheadOfStart() {
        Map<TopicPartition, Map<String, Long>> out = new HashMap<>();
        mine.forEach((tp, byTable) -> {
            long start = lowest(byTable).position().nextOffset();
            byTable.forEach((table, s) -> {
                if (s.position().nextOffset() > start) {
                    out.computeIfAbsent(tp, k -> new HashMap<>()).put(table, s.position().nextOffset());
                }
            });
        });
        return out;
    }

    private static StoredPosition lowest(Map<String, StoredPosition> byTable) {
        StoredPosition low = null;
        for (StoredPosition s : byTable.values()) {
            if (low == null || s.position().nextOffset() < low.position().nextOffset()) {
                low = s;
            }
        }
        return low;
    }

    /** Per topic, the Kafka topic id its positions were stored for, where one was recorded. */
    public Map<String, String> topicIds() {
        Map<String, String> out = new HashMap<>();
        mine.values().forEach(byTable -> byTable.values().forEach(
                s -> s.position().topicId().ifPresent(id -> out.putIfAbsent(s.position().partition().topic(), id))));
        return out;
    }

    /** The topics whose records a table holds, by any pipeline (the table's name compared case-insensitively). */
    public Set<String> topicsIn(String table) {
        return topicsByTable.getOrDefault(key(table), Set.of());
    }

    /**
     * One line per table whose positions for this pipeline's partitions were stored by other pipelines: the run
     * continues after what those pipelines loaded instead of loading it again.
     */
    public List<String> sharedWith(String pipeline) {
        Map<String, TreeMap<String, TreeSet<String>>> byTable = new TreeMap<>();
        for (Map<String, StoredPosition> tables : mine.values()) {
            for (StoredPosition s : tables.values()) {
                if (!s.pipeline().equals(pipeline)) {
                    byTable.computeIfAbsent(s.position().table(), t -> new TreeMap<>())
                            .computeIfAbsent(s.pipeline(), w -> new TreeSet<>()).add(s.position().partition().topic());
                }
            }
        }
        List<String> out = new ArrayList<>();
        byTable.forEach((table, writers) -> writers.forEach((writer, topics) -> out.add("table " + table
                + " already holds records of " + String.join(", ", topics) + " loaded by pipeline " + writer
                + "; pipeline " + pipeline + " continues after them instead of loading them again")));
        return out;
    }

    /** The stored position of one partition where its reading starts (its lowest table's), if any. */
    public Optional<StoredPosition> of(TopicPartition partition) {
        Map<String, StoredPosition> byTable = mine.get(partition);
        return byTable == null ? Optional.empty() : Optional.of(lowest(byTable));
    }

    private static String key(String table) {
        return table.toLowerCase(Locale.ROOT);
    }
}
