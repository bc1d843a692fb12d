package io.sluice.sink;

/** A {@link TablePosition} as a sink holds it, with the pipeline whose commit stored it last. */
public record StoredPosition(TablePosition position, String pipeline) {}
