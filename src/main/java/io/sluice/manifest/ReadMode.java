package io.sluice.manifest;

import java.time.Instant;
import java.util.Optional;

/** How much a run reads. Bounded modes fix every partition's end offset when the run starts. */
public sealed interface ReadMode {
    /** Up to the high watermark (last stable offset) seen at start. */
    record ToHighWatermark() implements ReadMode {}

    /** At most {@code maxRecords} records in all, shared fairly between partitions. */
    record MaxRecords(long maxRecords) implements ReadMode {}

    /** Records whose timestamps fall in {@code [from, to)}; without {@code to}, up to the high watermark. */
    record TimeWindow(Instant from, Optional<Instant> to) implements ReadMode {}

    /** Micro-batches until the process is asked to stop. */
    record Continuous() implements ReadMode {}

    default boolean bounded() {
        return !(this instanceof Continuous);
    }
}
