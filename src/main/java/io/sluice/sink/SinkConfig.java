package io.sluice.sink;

/**
 * A sink's parsed, immutable configuration. Each provider defines its own record; its {@code toString()}
 * must mask secrets (use {@link io.sluice.manifest.Secret} for them).
 */
public interface SinkConfig {
    /** The target (table, path, topic) records of {@code topic} go to; shown by {@code plan}. */
    String targetFor(String topic);

    /**
     * Every table the records of {@code topic} can reach: {@link #targetFor}'s today, one per topic. Each keeps positions
     * of its own ({@link Positions}): a run starts a partition at the lowest position of these tables and drops the rows a
     * table already holds, so a sink that commits its tables one by one stays exactly once when a partition feeds several
     * (routing, quarantine tables). A config that routes records to more tables returns them all.
     */
    default java.util.Set<String> tablesFor(String topic) {
        return java.util.Set.of(targetFor(topic));
    }

    /**
     * Whether {@link #targetFor} gives each topic a target of its own (a template such as {@code {topic}}) and
     * the manifest did not say that topics whose names map to one target may share it. Then two such topics are
     * a name collision, refused before anything is read ({@link TargetCollisions}).
     */
    default boolean targetPerTopic() {
        return false;
    }

    /** Where the data lands (a file, directory or URL), for messages; empty when there is nothing to show. */
    default String location() {
        return "";
    }
}
