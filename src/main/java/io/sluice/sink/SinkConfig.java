package io.sluice.sink;

/**
 * A sink's parsed, immutable configuration. Each provider defines its own record; its {@code toString()}
 * must mask secrets (use {@link io.sluice.manifest.Secret} for them).
 */
public interface SinkConfig {
    /** The target (table, path, topic) records of {@code topic} go to; shown by {@code plan}. */
    String targetFor(String topic);

    /** Where the data lands (a file, directory or URL), for messages; empty when there is nothing to show. */
    default String location() {
        return "";
    }
}
