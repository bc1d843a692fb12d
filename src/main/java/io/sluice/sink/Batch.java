package io.sluice.sink;

import io.sluice.schema.SchemaChange;
import java.util.List;
import java.util.Map;

/**
 * One batch handed to a sink: rows per table (each already laid out as the table's columns after evolution) and, per
 * table and source partition, the next offset to read once they are durable. A position can advance without rows
 * (skipped records, transaction markers, compacted gaps). The schema changes per table are what the rows change in
 * the table; the sink applies them and records them in its schema history in the same commit as the rows.
 *
 * @param sequence the batch's number within the run: 0, 1, 2, ... as handed over; {@link Sink} reports durability by it
 */
public record Batch(long sequence, List<TableRows> tables, List<TablePosition> positions,
        Map<String, List<SchemaChange>> schemaChanges) {
    public Batch {
        if (sequence < 0) {
            throw new IllegalArgumentException("batch sequence " + sequence + " is negative");
        }
        tables = List.copyOf(tables);
        positions = List.copyOf(positions);
        schemaChanges = Map.copyOf(schemaChanges);
    }

    /** Rows and positions without schema changes to record. */
    public Batch(long sequence, List<TableRows> tables, List<TablePosition> positions) {
        this(sequence, tables, positions, Map.of());
    }

    public long rowCount() {
        long n = 0;
        for (TableRows t : tables) {
            n += t.size();
        }
        return n;
    }
}
