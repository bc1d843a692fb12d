package io.sluice.sink;

import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Refuses a per-topic table template that maps different topics to one table ({@code orders.v1-eu},
 * {@code orders_v1_eu} and {@code orders-v1.eu} all make {@code orders_v1_eu}), including a topic whose records
 * a table already holds. Without this, their rows would merge into one table without a word.
 */
public final class TargetCollisions {
    private TargetCollisions() {}

    /** Throws when two of {@code topics}, or one of them and a topic the table already holds, share a target. */
    public static void check(Collection<String> topics, Positions stored, SinkConfig config) {
        if (!config.targetPerTopic()) {
            return;
        }
        Map<String, Set<String>> byTarget = new TreeMap<>();
        Map<String, String> targetName = new TreeMap<>();
        for (String t : topics) {
            String target = config.targetFor(t);
            String key = target.toLowerCase(Locale.ROOT);
            targetName.putIfAbsent(key, target);
            Set<String> sources = byTarget.computeIfAbsent(key, k -> new TreeSet<>());
            sources.add(t);
            for (String held : stored.topicsIn(target)) {
                if (config.targetFor(held).toLowerCase(Locale.ROOT).equals(key)) {
                    sources.add(held);
                }
            }
        }
        List<String> clashes = new ArrayList<>();
        byTarget.forEach((key, sources) -> {
            if (sources.size() > 1) {
                clashes.add(String.join(", ", sources) + " all map to table " + targetName.get(key));
            }
        });
        if (!clashes.isEmpty()) {
            throw new CheckFailedException(Stage.PLAN, "topics whose names differ would land in one table: "
                    + String.join("; ", clashes) + " (sink.table makes topic names safe: other characters become _,"
                    + " letters lower-case). Give them tables of their own (e.g. a topic list per pipeline with a fixed"
                    + " sink.table), or set sink.merge_topics: true to load them into one table on purpose.");
        }
    }
}
