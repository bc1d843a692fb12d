package io.sluice.manifest;

import java.time.Instant;

/** Where to begin reading a partition that has no stored offset (or when stored offsets are ignored). */
public sealed interface StartPosition {
    record Earliest() implements StartPosition {
        @Override
        public String toString() {
            return "earliest";
        }
    }

    record Latest() implements StartPosition {
        @Override
        public String toString() {
            return "latest";
        }
    }

    record AtTimestamp(Instant timestamp) implements StartPosition {
        @Override
        public String toString() {
            return timestamp.toString();
        }
    }
}
