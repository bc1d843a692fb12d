package io.sluice.pipeline;

import io.sluice.schema.Row;
import io.sluice.schema.TableBatch;
import java.util.LinkedHashMap;
import java.util.Map;

/** Accumulates decoded rows per table until the batch is full. */
final class BatchBuilder {
    private final Map<String, TableBatch> tables = new LinkedHashMap<>();
    private long records;
    private long bytes;
    private long skipped;

    void add(String table, Row row, long size) {
        tables.computeIfAbsent(table, TableBatch::new).add(row);
        records++;
        bytes += size;
    }

    void skip(long size) {
        records++;
        skipped++;
        bytes += size;
    }

    /** Rows that schema evolution left out: read, but not written. */
    void discard(long rows) {
        skipped += rows;
    }

    long records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    long skipped() {
        return skipped;
    }

    Map<String, TableBatch> tables() {
        return tables;
    }

    /**
     * What the summary needs of this batch once it is durable. Kept instead of the builder while a sink that commits at
     * an interval holds the batch: the builder's rows would otherwise stay reachable until then.
     */
    Counts counts() {
        Map<String, Long> perTable = new LinkedHashMap<>();
        tables.forEach((t, tb) -> perTable.put(t, (long) tb.size()));
        return new Counts(records, skipped, Map.copyOf(perTable));
    }

    /** A batch's record counts: read, skipped, and rows per table. */
    record Counts(long records, long skipped, Map<String, Long> perTable) {}
}
