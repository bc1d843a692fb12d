package io.sluice.pipeline;

/** Stored offsets do not fit the topic (e.g. beyond its end after it was recreated); the run stops with exit 3. */
public final class OffsetConflictException extends SluiceException {
    public OffsetConflictException(String message) {
        super(Stage.OFFSETS, message);
    }
}
