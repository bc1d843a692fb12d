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
 * The positions a sink holds, seen by one pipeline: each source partition starts where the table it feeds says
 * it holds records up to, whichever pipeline wrote them. That is what keeps two pipelines (or a renamed one)
 * from loading the same records into one table twice.
 */
public final class Positions {
    private final Map<TopicPartition, StoredPosition> mine = new HashMap<>();
    private final Map<String, Set<String>> topicsByTable = new HashMap<>();

    private Positions() {}

    /** The view of {@code stored} through {@code config}'s mapping of topics to tables. */
    public static Positions of(Collection<StoredPosition> stored, SinkConfig config) {
        Positions p = new Positions();
        Map<String, String> tableOf = new HashMap<>();
        for (StoredPosition s : stored) {
            TablePosition pos = s.position();
            String topic = pos.partition().topic();
            p.topicsByTable.computeIfAbsent(key(pos.table()), t -> new TreeSet<>()).add(topic);
            String target = tableOf.computeIfAbsent(topic, config::targetFor);
            if (key(target).equals(key(pos.table()))) {
                p.mine.put(pos.partition(), s);
            }
        }
        return p;
    }

    public static Positions none() {
        return new Positions();
    }

    /** Per partition this pipeline reads, the next offset its table holds records up to. */
    public Map<TopicPartition, Long> nextOffsets() {
        Map<TopicPartition, Long> out = new HashMap<>();
        mine.forEach((tp, s) -> out.put(tp, s.position().nextOffset()));
        return out;
    }

    /** Per topic, the Kafka topic id its positions were stored for, where one was recorded. */
    public Map<String, String> topicIds() {
        Map<String, String> out = new HashMap<>();
        mine.values().forEach(s -> s.position().topicId().ifPresent(id -> out.putIfAbsent(s.position().partition().topic(), id)));
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
        for (StoredPosition s : mine.values()) {
            if (!s.pipeline().equals(pipeline)) {
                byTable.computeIfAbsent(s.position().table(), t -> new TreeMap<>())
                        .computeIfAbsent(s.pipeline(), w -> new TreeSet<>()).add(s.position().partition().topic());
            }
        }
        List<String> out = new ArrayList<>();
        byTable.forEach((table, writers) -> writers.forEach((writer, topics) -> out.add("table " + table
                + " already holds records of " + String.join(", ", topics) + " loaded by pipeline " + writer
                + "; pipeline " + pipeline + " continues after them instead of loading them again")));
        return out;
    }

    /** The stored position of one partition for this pipeline's table, if any. */
    public Optional<StoredPosition> of(TopicPartition partition) {
        return Optional.ofNullable(mine.get(partition));
    }

    private static String key(String table) {
        return table.toLowerCase(Locale.ROOT);
    }
}
