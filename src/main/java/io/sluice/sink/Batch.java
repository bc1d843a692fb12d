package io.sluice.sink;

import io.sluice.schema.SchemaChange;
import io.sluice.schema.TableBatch;
import java.util.List;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One unit of commit: rows per table and, per partition, the next offset to read once they are stored.
 * A partition can advance without rows (skipped records, transaction markers, compacted gaps). The schema
 * changes per table are what the batch's columns change in the table; the sink records them in its schema
 * history in the same transaction.
 */
public record Batch(Collection<TableBatch> tables, Map<TopicPartition, Long> nextOffsets,
        Map<String, List<SchemaChange>> schemaChanges) {
    public Batch {
        nextOffsets = Map.copyOf(nextOffsets);
        schemaChanges = Map.copyOf(schemaChanges);
    }

    /** Rows and offsets without schema changes to record. */
    public Batch(Collection<TableBatch> tables, Map<TopicPartition, Long> nextOffsets) {
        this(tables, nextOffsets, Map.of());
    }

    public long rowCount() {
        long n = 0;
        for (TableBatch t : tables) {
            n += t.size();
        }
        return n;
    }
}
