package io.sluice.sink;

import io.sluice.schema.TableBatch;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One unit of commit: rows per table and, per partition, the next offset to read once they are stored.
 * A partition can advance without rows (skipped records, transaction markers, compacted gaps).
 */
public record Batch(Collection<TableBatch> tables, Map<TopicPartition, Long> nextOffsets) {
    public Batch {
        nextOffsets = Map.copyOf(nextOffsets);
    }

    public long rowCount() {
        long n = 0;
        for (TableBatch t : tables) {
            n += t.size();
        }
        return n;
    }
}
