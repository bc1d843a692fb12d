package io.sluice.pipeline;

/**
 * Stored offsets do not fit the topic (beyond its end, or stored for a topic of the same name that was deleted and
 * recreated); the run stops with exit 3.
 */
public final class OffsetConflictException extends CheckFailedException {
    public OffsetConflictException(String message) {
        super(Stage.OFFSETS, message);
    }
}
