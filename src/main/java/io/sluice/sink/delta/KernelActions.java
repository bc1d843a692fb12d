package io.sluice.sink.delta;

import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.internal.TransactionImpl;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.data.TransactionStateRow;
import io.delta.kernel.internal.fs.Path;
import io.delta.kernel.internal.util.InternalUtils;
import io.delta.kernel.utils.DataFileStatus;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The Delta Kernel internals that compaction needs, and nothing else uses: Kernel 4.4 has public API only for
 * appends (add actions that change data), so the remove actions of the files a compaction rewrites, and the add
 * actions of the files it writes in their place (both {@code dataChange: false}), are built with Kernel's own action
 * classes here. {@code KernelActionsTest} pins the rows these produce, so a Kernel upgrade that changes those classes
 * fails there first.
 */
final class KernelActions {
    private KernelActions() {}

    /**
     * The remove action (as a log action row) of a live file, from its add action as the snapshot's scan gave it:
     * same path, partition values, size and statistics, removed at {@code deletionTimestamp}, changing no data.
     */
    static Row remove(Row add, long deletionTimestamp) {
        return SingleAction.createRemoveFileSingleAction(new AddFile(add).toRemoveFileRow(false, Optional.of(deletionTimestamp)));
    }

    /**
     * The add action (as a log action row) of a file that holds rows the table has already (a compacted file), changing
     * no data: its path relative to the table as Kernel writes an append's, with {@code partitionValues} exactly as the
     * files it replaces have them, and its statistics serialized for the table's physical schema.
     */
    static Row add(Row transactionState, DataFileStatus file, MapValue partitionValues) {
        URI root = new Path(TransactionStateRow.getTablePath(transactionState)).toUri();
        String path = InternalUtils.relativizePath(new Path(file.getPath()), root).toUri().toString();
        Row add = AddFile.createAddFileRow(TransactionStateRow.getPhysicalSchema(transactionState), path, partitionValues,
                file.getSize(), file.getModificationTime(), false, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), file.getStatistics());
        return SingleAction.createAddFileSingleAction(add);
    }

    /** The partition values of a live file's add action, as the log holds them (by physical column name). */
    static MapValue partitionValues(Row add) {
        return new AddFile(add).getPartitionValues();
    }

    /** The (physical) columns Kernel keeps statistics for in this table, as an append's write context lists them. */
    static List<Column> statisticsColumns(Row transactionState) {
        return TransactionImpl.getStatisticsColumns(transactionState);
    }
}
