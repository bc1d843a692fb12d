package io.sluice.sink;

import io.sluice.schema.SchemaChange;
import io.sluice.schema.TableBatch;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One unit of commit: rows per table and, per table and source partition, the next offset to read once they are
 * stored. A position can advance without rows (skipped records, transaction markers, compacted gaps). The schema
 * changes per table are what the batch's columns change in the table; the sink records them in its schema
 * history in the same transaction.
 */
public record Batch(Collection<TableBatch> tables, List<TablePosition> positions,
        Map<String, List<SchemaChange>> schemaChanges) {
    public Batch {
        positions = List.copyOf(positions);
        schemaChanges = Map.copyOf(schemaChanges);
    }

    /** Rows and positions without schema changes to record. */
    public Batch(Collection<TableBatch> tables, List<TablePosition> positions) {
        this(tables, positions, Map.of());
    }

    public long rowCount() {
        long n = 0;
        for (TableBatch t : tables) {
            n += t.size();
        }
        return n;
    }
}
