package io.sluice.sink.delta;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.ScanImpl;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The data files a snapshot of a table holds (its live {@code add} actions), listed through Kernel's scan. */
final class LiveFiles {
    /**
     * @param path            the file's full location, as Kernel resolves it
     * @param partitionValues by physical column name, as the log serializes them (null for a null)
     * @param rows            the file's row count from its statistics, when it has them
     * @param add             Kernel's row of the {@code add} action (for compaction's remove actions)
     */
    record LiveFile(String path, long size, long modificationTime, Map<String, String> partitionValues, Optional<Long> rows,
            Row add) {}

    private LiveFiles() {}

    static List<LiveFile> of(DeltaStore delta, String table, Snapshot snapshot) {
        List<LiveFile> out = new ArrayList<>();
        Scan scan = snapshot.getScanBuilder().build();
        try (CloseableIterator<FilteredColumnarBatch> batches = ((ScanImpl) scan).getScanFiles(delta.engine, true)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        Row r = rows.next();
                        FileStatus fs = InternalScanFileUtils.getAddFileStatus(r);
                        Row add = r.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
                        Optional<Long> n = Optional.empty();
                        int statsAt = add.getSchema().indexOf("stats");
                        if (statsAt >= 0 && !add.isNullAt(statsAt)) {
                            n = io.delta.kernel.statistics.DataFileStatistics.getNumRecords(add.getString(statsAt));
                        }
                        out.add(new LiveFile(fs.getPath(), fs.getSize(), fs.getModificationTime(),
                                InternalScanFileUtils.getPartitionValues(r), n, add));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SluiceException(Stage.QUERY, "cannot list the files of Delta table " + table + " in "
                    + delta.store.describe(table) + " at version " + snapshot.getVersion() + ": " + DeltaTables.describe(e), e);
        }
        return out;
    }
}
