package io.sluice.sink;

import io.sluice.schema.TypeSupport;

/**
 * What a kind of sink can do, so the run loop and schema evolution ask it instead of asking which sink it is.
 *
 * @param types        the types it stores and the widenings it can apply
 * @param atomicTables whether one commit makes the rows of several tables durable together (a database transaction);
 *                     when not, each table commits on its own and keeps its own positions, which is still exactly once
 *                     because every table starts after what it holds
 * @param queryable    whether {@code sluice query} can read what it wrote
 */
public record SinkCapabilities(TypeSupport types, boolean atomicTables, boolean queryable) {}
