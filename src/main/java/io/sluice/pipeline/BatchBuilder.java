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
}
