package io.sluice.sink.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delta tables driven through Kernel's public API for the tests of {@link StoreFileIO}. The appended files are entries
 * in the log only (no Parquet is written for them): what is under test is the log, its checkpoints and its commits.
 */
final class KernelTables {
    static final String ENGINE_INFO = "sluice-test";
    static final StructType SCHEMA = new StructType().add("id", LongType.LONG, false).add("region", StringType.STRING, true);

    private KernelTables() {}

    /** Creates an empty table at {@code table} (a full path) with a checkpoint every {@code checkpointInterval} commits. */
    static long create(Engine engine, String table, int checkpointInterval) {
        TransactionCommitResult r = TableManager.buildCreateTableTransaction(table, SCHEMA, ENGINE_INFO)
                .withTableProperties(Map.of("delta.checkpointInterval", String.valueOf(checkpointInterval)))
                .build(engine)
                .commit(engine, CloseableIterable.emptyIterable());
        runHooks(engine, r);
        return r.getVersion();
    }

    /**
     * Appends the file {@code fileName} (as if it held 10 rows) in one commit carrying app {@code appId}'s transaction
     * version {@code txnVersion}, runs the commit's post-commit hooks (checkpoints, checksums) and returns the version
     * Kernel says it committed.
     */
    static long append(Engine engine, String table, String appId, long txnVersion, String fileName) {
        Snapshot snapshot = TableManager.loadSnapshot(table).build(engine);
        Transaction txn = snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.STREAMING_UPDATE)
                .withTransactionId(appId, txnVersion)
                .build(engine);
        Row state = txn.getTransactionState(engine);
        DataWriteContext ctx = Transaction.getWriteContext(engine, state, Map.of());
        String dir = ctx.getTargetDirectory();
        DataFileStatus file = new DataFileStatus((dir.endsWith("/") ? dir : dir + "/") + fileName, 1234,
                System.currentTimeMillis(), Optional.of(new DataFileStatistics(10, Map.of(), Map.of(), Map.of(),
                        Optional.empty())));
        CloseableIterator<Row> actions = Transaction.generateAppendActions(engine, state,
                closeable(List.of(file).iterator()), ctx);
        TransactionCommitResult r = txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
        runHooks(engine, r);
        return r.getVersion();
    }

    static void runHooks(Engine engine, TransactionCommitResult r) {
        for (PostCommitHook hook : r.getPostCommitHooks()) {
            try {
                hook.threadSafeInvoke(engine);
            } catch (IOException e) {
                throw new UncheckedIOException(hook.getType() + " hook failed", e);
            }
        }
    }

    /** The paths (relative to the table, as in its log) of the live files of {@code snapshot}. */
    static List<String> liveFiles(Engine engine, Snapshot snapshot) throws IOException {
        Scan scan = snapshot.getScanBuilder().build();
        List<String> paths = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
            while (batches.hasNext()) {
                FilteredColumnarBatch batch = batches.next();
                try (CloseableIterator<Row> rows = batch.getRows()) {
                    while (rows.hasNext()) {
                        Row row = rows.next();
                        Row add = row.getStruct(row.getSchema().indexOf("add"));
                        paths.add(add.getString(add.getSchema().indexOf("path")));
                    }
                }
            }
        }
        return paths;
    }

    static Snapshot latest(Engine engine, String table) {
        return TableManager.loadSnapshot(table).build(engine);
    }

    static <T> CloseableIterator<T> closeable(Iterator<T> it) {
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {}
        };
    }
}
