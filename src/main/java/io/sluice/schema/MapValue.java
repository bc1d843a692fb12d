package io.sluice.schema;

import java.util.Map;

/**
 * The value of a MAP column, kept apart from {@code Map} values, which are structs. Keys are never null;
 * the map keeps its entries' order.
 */
public record MapValue(Map<?, ?> entries) {}
