package io.sluice.schema;

/** A value kept as JSON text (arrays, and objects when nested mode is {@code json}). */
public record JsonText(String json) {}
