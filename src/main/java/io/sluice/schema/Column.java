package io.sluice.schema;

/** A named, typed column. */
public record Column(String name, DataType type) {}
