package io.sluice.sink.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.schema.SchemaChange;
import io.sluice.sink.Batch;
import io.sluice.sink.FencedException;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkCapabilities;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSchemas;
import io.sluice.sink.parquet.PartFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each table's rows into Parquet data files and commits them to the table's Delta log with Delta Kernel, in one
 * commit per table that also rewrites the table's positions ({@link PositionsDomain}): a table's files and positions
 * become durable together. Every commit is a compare-and-set on those positions: it goes through only while the table
 * still holds, for each partition it advances, what this writer read or last committed. A writer that finds them moved
 * (another run of the pipeline) commits nothing and is fenced; one that finds other partitions moved (another pipeline
 * sharing the table) merges and commits again.
 */
final class DeltaSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaSink.class);
    static final String ENGINE_INFO = "Sluice/" + Optional.ofNullable(DeltaSink.class.getPackage().getImplementationVersion()).orElse("dev");
    /** Commits lost to other writers' commits (of other partitions) before this one gives up. */
    private static final int COMMIT_ATTEMPTS = 50;
    /** Kernel's own retries of one commit (a write that failed, a blind append of another tool to rebase over). */
    private static final int KERNEL_RETRIES = 5;

    private final DeltaSinkConfig config;
    private final String pipeline;
    private final DeltaStore delta;
    private final SinkCapabilities capabilities;
    private final String writerId = UUID.randomUUID().toString().replace("-", "");
    private final String writer8 = writerId.substring(0, 8);
    private final Path staging;
    private final long bufferBudget;
    private final Map<String, TableState> tables = new LinkedHashMap<>();
    private long written = -1;
    private long durable = -1;
    private long pendingSince = -1;
    private int fileCounter;
    private int commitCounter;

    /** What this writer knows of one table: its snapshot, its positions, and what it has written since. */
    private final class TableState {
        final String table;
        /** The newest snapshot this writer knows; null while the table does not exist. */
        Snapshot snapshot;
        /** The Delta schema the pending files were written with (with any columns this commit adds). */
        StructType schema;
        boolean schemaChanged;
        List<Column> columns = List.of();
        final Map<TopicPartition, StoredPosition> positions = new LinkedHashMap<>();
        final Map<TopicPartition, TablePosition> pendingPositions = new LinkedHashMap<>();
        final List<SchemaChange> pendingChanges = new ArrayList<>();
        /** Open files by partition directory, and the write context (partition values) of each directory. */
        final Map<String, PartFile> open = new LinkedHashMap<>();
        final Map<String, DataWriteContext> contexts = new HashMap<>();
        final List<DataFileStatus> finished = new ArrayList<>();
        final Map<DataFileStatus, DataWriteContext> finishedContext = new HashMap<>();
        final List<String> finishedKeys = new ArrayList<>();
        /** A transaction built only for write contexts (target directories, statistics columns); never committed. */
        Transaction layout;
        Row layoutState;
        PartitionColumns partitions;
        MessageType fileSchema;
        int[] fileColumns;

        TableState(String table, Snapshot snapshot) {
            this.table = table;
            this.snapshot = snapshot;
            if (snapshot != null) {
                schema = snapshot.getSchema();
                columns = DeltaTables.columns(table, snapshot, config.partitionBy());
                DeltaTables.positions(table, snapshot).ifPresent(d -> d.positions().forEach(p -> positions.put(p.position().partition(), p)));
            }
        }

        boolean pending() {
            return !open.isEmpty() || !finished.isEmpty() || !pendingPositions.isEmpty() || !pendingChanges.isEmpty();
        }
    }

    private DeltaSink(DeltaSinkConfig config, String pipeline, DeltaStore delta, long bufferBudget) {
        this.config = config;
        this.pipeline = pipeline;
        this.delta = delta;
        this.capabilities = DeltaSinkProvider.capabilities(config);
        this.staging = delta.store.stagingDirectory();
        this.bufferBudget = bufferBudget;
    }

    static DeltaSink open(DeltaSinkConfig config, String pipeline) {
        DeltaStore delta = DeltaStore.open(config);
        try {
            delta.store.check();
            DeltaSink sink = new DeltaSink(config, pipeline, delta, Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 4));
            for (String table : delta.tables()) {
                Optional<Snapshot> s = DeltaTables.load(delta, table);
                if (s.isPresent()) {
                    sink.tables.put(key(table), sink.new TableState(table, s.get()));
                }
            }
            return sink;
        } catch (RuntimeException e) {
            delta.close();
            throw e;
        }
    }

    @Override
    public SinkCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public List<StoredPosition> positions() {
        List<StoredPosition> out = new ArrayList<>();
        tables.values().forEach(t -> out.addAll(t.positions.values()));
        return out;
    }

    @Override
    public Optional<List<Column>> columns(String table) {
        TableState t = tables.get(key(table));
        return t == null || t.columns.isEmpty() ? Optional.empty() : Optional.of(t.columns);
    }

    @Override
    public long write(Batch batch) {
        for (TableRows rows : batch.tables()) {
            if (rows.size() > 0) {
                append(state(rows.table()), rows);
            }
        }
        keepWithinBudget();
        for (TablePosition p : batch.positions()) {
            state(p.table()).pendingPositions.put(p.partition(), p);
        }
        batch.schemaChanges().forEach((table, changes) -> state(table).pendingChanges.addAll(changes));
        written = batch.sequence();
        if (pendingSince < 0) {
            pendingSince = System.nanoTime();
        }
        return durable;
    }

    private void append(TableState t, TableRows rows) {
        if (!rows.columns().equals(t.columns) || t.fileSchema == null) {
            finishAll(t); // files keep one schema: new columns start new files
            prepare(t, rows.columns());
        }
        PartitionColumns parts = t.partitions;
        if (!parts.partitioned()) {
            PartFile f = t.open.computeIfAbsent("", d -> newFile(t, d));
            for (int r = 0; r < rows.size(); r++) {
                if (f.write(rows, r, config.targetFileSize())) {
                    finish(t, f);
                    t.open.remove("");
                    f = t.open.computeIfAbsent("", d -> newFile(t, d));
                }
            }
            return;
        }
        Map<Object, String> dirs = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            Object k = parts.key(rows, r);
            String dir = dirs.get(k);
            if (dir == null && !dirs.containsKey(k)) {
                dir = directory(t, parts.literals(rows, r));
                dirs.put(k, dir);
            }
            PartFile f = t.open.computeIfAbsent(dir, d -> newFile(t, d));
            if (f.write(rows, r, config.targetFileSize())) {
                finish(t, f);
                t.open.remove(dir);
            }
        }
    }

    /** The directory (relative to the table) of files with these partition values; its write context is kept. */
    private String directory(TableState t, Map<String, Literal> values) {
        DataWriteContext ctx = Transaction.getWriteContext(delta.engine, t.layoutState, values);
        String key = delta.keyOfUri(ctx.getTargetDirectory());
        String dir = key.equals(t.table) ? "" : key.substring(t.table.length() + 1);
        if (dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        for (String segment : dir.split("/")) {
            if (segment.getBytes(StandardCharsets.UTF_8).length > 255) {
                // a directory name too long for file systems: Delta readers take partition values from the log, not the path
                dir = "_long/" + sha256(dir);
                break;
            }
        }
        t.contexts.put(dir, ctx);
        return dir;
    }

    /**
     * Makes {@code t} ready for rows with {@code columns}: the table's Delta schema with any new columns (ids and physical
     * names assigned), its partition columns, the data files' schema, and a write context.
     */
    private void prepare(TableState t, List<Column> columns) {
        PartitionColumns parts = PartitionColumns.of(t.table, config.partitionBy(), columns);
        StructType base = t.schema == null ? new StructType() : t.schema;
        if (t.snapshot != null) {
            DeltaTables.checkPartitioning(t.table, delta, t.snapshot, PartitionColumns.names(config.partitionBy()));
        }
        List<Column> all = new ArrayList<>(columns);
        all.addAll(PartitionColumns.derivedColumns(config.partitionBy()));
        long maxId = ColumnMapping.maxId(base, t.snapshot == null ? Map.of() : t.snapshot.getTableProperties());
        StructType evolved = ColumnMapping.evolve(base, all, new ColumnMapping.Ids(maxId));
        if (!evolved.equals(base)) {
            t.schemaChanged = true;
        }
        t.schema = evolved;
        t.columns = columns;
        t.partitions = parts;
        List<Column> fileCols = new ArrayList<>();
        List<Integer> source = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (!parts.identity(c)) {
                fileCols.add(columns.get(c));
                source.add(c);
            }
        }
        t.fileSchema = ParquetSchemas.message(fileCols, ColumnMapping.naming(evolved));
        t.fileColumns = source.stream().mapToInt(Integer::intValue).toArray();
        t.layout = layoutTransaction(t);
        t.layoutState = t.layout.getTransactionState(delta.engine);
        t.contexts.clear();
        if (!parts.partitioned()) {
            t.contexts.put("", Transaction.getWriteContext(delta.engine, t.layoutState, Map.of()));
        }
    }

    private Transaction layoutTransaction(TableState t) {
        if (t.snapshot == null) {
            return createTransaction(t);
        }
        var b = t.snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.STREAMING_UPDATE);
        if (t.schemaChanged) {
            b = b.withUpdatedSchema(t.schema);
        }
        return DeltaTables.build(t.table, delta, b::build);
    }

    private Transaction createTransaction(TableState t) {
        List<io.delta.kernel.expressions.Column> partitionColumns = new ArrayList<>();
        for (PartitionColumns.Part p : t.partitions.parts()) {
            partitionColumns.add(new io.delta.kernel.expressions.Column(p.name()));
        }
        var b = TableManager.buildCreateTableTransaction(delta.tablePath(t.table), t.schema, ENGINE_INFO)
                .withTableProperties(DeltaTables.createProperties(config)).withMaxRetries(KERNEL_RETRIES);
        if (!partitionColumns.isEmpty()) {
            b = b.withDataLayoutSpec(DataLayoutSpec.partitioned(partitionColumns));
        }
        var builder = b;
        return DeltaTables.build(t.table, delta, builder::build);
    }

    private PartFile newFile(TableState t, String dir) {
        String name = String.format("part-%s-%05d.%s.parquet", writer8, fileCounter++,
                config.compression().name().toLowerCase(Locale.ROOT));
        String key = t.table + "/" + (dir.isEmpty() ? "" : dir + "/") + name;
        Path file = staging.resolve(writer8 + "-" + fileCounter + ".parquet.tmp");
        return PartFile.create(key, file, t.fileSchema, t.columns, t.fileColumns, config.compression().codec,
                config.targetFileSize(), Map.of("sluice.writer", writerId, "sluice.pipeline", pipeline));
    }

    private void finish(TableState t, PartFile f) {
        long bytes = f.finish();
        String dir = dirOf(t, f.key);
        DataWriteContext ctx = t.contexts.get(dir);
        var stats = FileStats.of(f.footer(), DeltaTables.physicalSchema(t.layoutState), ctx.getStatisticsColumns());
        delta.store.putFile(f.key, f.staging);
        DataFileStatus status = new DataFileStatus(delta.tablePath(t.table) + "/" + f.key.substring(t.table.length() + 1),
                bytes, System.currentTimeMillis(), Optional.of(stats));
        t.finished.add(status);
        t.finishedContext.put(status, ctx);
        t.finishedKeys.add(f.key);
    }

    private static String dirOf(TableState t, String key) {
        String rel = key.substring(t.table.length() + 1);
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private void finishAll(TableState t) {
        for (PartFile f : t.open.values()) {
            finish(t, f);
        }
        t.open.clear();
    }

    private void keepWithinBudget() {
        long total = 0;
        for (TableState t : tables.values()) {
            for (PartFile f : t.open.values()) {
                total += f.buffered();
            }
        }
        if (total <= bufferBudget) {
            return;
        }
        for (TableState t : tables.values()) {
            finishAll(t);
        }
    }

    @Override
    public boolean flushDue() {
        return pendingSince >= 0 && System.nanoTime() - pendingSince >= config.commitInterval().toNanos();
    }

    @Override
    public long flush() {
        if (pendingSince < 0) {
            return durable;
        }
        for (TableState t : tables.values()) {
            finishAll(t);
        }
        for (TableState t : tables.values()) {
            if (t.pending()) {
                commit(t, Operation.STREAMING_UPDATE);
            }
        }
        durable = written;
        pendingSince = -1;
        return durable;
    }

    /**
     * Commits what {@code t} holds: its finished files, positions and schema, on the newest snapshot it knows. Another
     * writer's commit in between makes Kernel refuse (every Sluice commit rewrites the same domain); then the newest
     * snapshot is read and, when the partitions this commit advances still stand where this writer left them, the same
     * files are committed again.
     */
    private void commit(TableState t, Operation op) {
        String stamp = writerId + "/" + (commitCounter++);
        for (int attempt = 0; ; attempt++) {
            Map<TopicPartition, StoredPosition> after = checkedPositions(t);
            PositionsDomain domain = new PositionsDomain(pipeline, writerId, stamp, new ArrayList<>(after.values()),
                    t.pendingChanges);
            TransactionCommitResult result;
            try {
                Transaction txn = t.snapshot == null ? createTransaction(t) : updateTransaction(t, op);
                txn.addDomainMetadata(PositionsDomain.DOMAIN, domain.toJson());
                Row state = txn.getTransactionState(delta.engine);
                List<Row> actions = new ArrayList<>();
                for (DataFileStatus f : t.finished) {
                    try (CloseableIterator<Row> it = Transaction.generateAppendActions(delta.engine, state,
                            io.delta.kernel.internal.util.Utils.toCloseableIterator(List.of(f).iterator()), t.finishedContext.get(f))) {
                        it.forEachRemaining(actions::add);
                    }
                }
                result = txn.commit(delta.engine, CloseableIterable.inMemoryIterable(
                        io.delta.kernel.internal.util.Utils.toCloseableIterator(actions.iterator())));
            } catch (io.delta.kernel.exceptions.TableAlreadyExistsException e) {
                reload(t);
                throw createdByAnother(t);
            } catch (ConcurrentWriteException e) {
                if (attempt >= COMMIT_ATTEMPTS) {
                    throw new SluiceException(Stage.COMMIT, "table " + t.table + " in " + delta.store.describe(t.table)
                            + ": other writers kept committing to it; " + COMMIT_ATTEMPTS + " attempts of this commit lost to"
                            + " theirs. Nothing of it was committed");
                }
                Snapshot before = t.snapshot;
                reload(t);
                if (before == null) {
                    throw createdByAnother(t);
                }
                checkSchemaUnchanged(t, before);
                continue;
            } catch (java.io.IOException | RuntimeException e) {
                if (e instanceof CheckFailedException c) {
                    throw c;
                }
                Optional<Snapshot> landed = resolveUnknown(t, stamp, e);
                if (landed.isEmpty()) {
                    continue;
                }
                committed(t, landed.get(), after);
                return;
            }
            runHooks(t, result);
            Snapshot next = result.getPostCommitSnapshot().orElseGet(() -> DeltaTables.load(delta, t.table).orElseThrow());
            committed(t, next, after);
            return;
        }
    }

    private Transaction updateTransaction(TableState t, Operation op) {
        // Kernel retries a failed write of the same version this often; Sluice's own loop handles other writers' commits
        var b = t.snapshot.buildUpdateTableTransaction(ENGINE_INFO, op).withMaxRetries(KERNEL_RETRIES);
        if (t.schemaChanged) {
            b = b.withUpdatedSchema(t.schema);
        }
        var builder = b;
        return DeltaTables.build(t.table, delta, builder::build);
    }

    private void committed(TableState t, Snapshot snapshot, Map<TopicPartition, StoredPosition> after) {
        t.snapshot = snapshot;
        t.schema = snapshot.getSchema();
        t.schemaChanged = false;
        t.positions.clear();
        t.positions.putAll(after);
        t.pendingPositions.clear();
        t.pendingChanges.clear();
        t.finished.clear();
        t.finishedContext.clear();
        t.finishedKeys.clear();
        t.fileSchema = null; // the next rows are prepared against the committed schema
    }

    /**
     * The positions {@code t} holds after this commit, checked against the newest snapshot: each partition it advances
     * must stand where this writer read or last committed it, or another writer has loaded those records: fenced.
     */
    private Map<TopicPartition, StoredPosition> checkedPositions(TableState t) {
        Map<TopicPartition, StoredPosition> stored = new LinkedHashMap<>();
        Optional<PositionsDomain> now = t.snapshot == null ? Optional.empty() : DeltaTables.positions(t.table, t.snapshot);
        now.ifPresent(d -> d.positions().forEach(p -> stored.put(p.position().partition(), p)));
        for (TopicPartition tp : t.pendingPositions.keySet()) {
            StoredPosition mine = t.positions.get(tp);
            StoredPosition theirs = stored.get(tp);
            long a = mine == null ? -1 : mine.position().nextOffset();
            long b = theirs == null ? -1 : theirs.position().nextOffset();
            if (a != b) {
                throw fenced(t, now.orElse(null), tp, a, b);
            }
        }
        Map<TopicPartition, StoredPosition> after = new LinkedHashMap<>(stored);
        t.pendingPositions.forEach((tp, p) -> {
            StoredPosition had = after.get(tp);
            Optional<String> id = p.topicId().isPresent() || had == null ? p.topicId() : had.position().topicId();
            after.put(tp, new StoredPosition(new TablePosition(t.table, tp, p.nextOffset(), id), pipeline));
        });
        return after;
    }

    private FencedException fenced(TableState t, PositionsDomain other, TopicPartition tp, long mine, long theirs) {
        discard(t);
        String who = other == null ? "another writer" : "another writer (" + other.writer() + " of pipeline " + other.pipeline() + ")";
        return new FencedException("pipeline " + pipeline + " (writer " + writerId + ") lost table " + t.table + " in "
                + delta.store.describe(t.table) + ": " + who + " committed to it after this run read where it stood ("
                + tp + ": this run expected " + (mine < 0 ? "nothing stored" : "next offset " + mine) + ", the table holds "
                + (theirs < 0 ? "nothing" : "next offset " + theirs) + "), so this run would load records again. Nothing of"
                + " this attempt was committed; the other writer continues. Run one writer per table at a time.");
    }

    private FencedException createdByAnother(TableState t) {
        discard(t);
        Optional<PositionsDomain> d = t.snapshot == null ? Optional.empty() : DeltaTables.positions(t.table, t.snapshot);
        String who = d.map(x -> "another writer (" + x.writer() + " of pipeline " + x.pipeline() + ")").orElse("another writer");
        return new FencedException("pipeline " + pipeline + " (writer " + writerId + ") lost table " + t.table + " in "
                + delta.store.describe(t.table) + ": " + who + " created it while this run was writing its first rows."
                + " Nothing of this attempt was committed; the other writer continues. Run one writer per table at a time.");
    }

    /** After another writer's commit: the files this writer wrote must still fit the table's schema. */
    private void checkSchemaUnchanged(TableState t, Snapshot before) {
        StructType was = before.getSchema();
        StructType now = t.snapshot.getSchema();
        if (was.equals(now)) {
            return;
        }
        discard(t);
        throw new CheckFailedException(Stage.COMMIT, "table " + t.table + " in " + delta.store.describe(t.table)
                + ": another writer changed its schema (version " + t.snapshot.getVersion() + ") while this run was"
                + " writing files for the schema of version " + before.getVersion() + ". Nothing of this batch was"
                + " committed; run again to write against the new schema");
    }

    private void reload(TableState t) {
        t.snapshot = DeltaTables.load(delta, t.table).orElse(null);
    }

    /**
     * A commit whose outcome this writer did not hear (the store's answer was lost): the table is read back and the
     * commit landed when a version after the one it built on carries its stamp. Never committed twice.
     */
    private Optional<Snapshot> resolveUnknown(TableState t, String stamp, Exception cause) {
        long from = t.snapshot == null ? -1 : t.snapshot.getVersion();
        Optional<Snapshot> now;
        try {
            now = DeltaTables.load(delta, t.table);
        } catch (RuntimeException e) {
            throw commitUnknown(t, from, cause);
        }
        if (now.isEmpty()) {
            throw commitFailed(t, cause);
        }
        Optional<Long> version = DeltaTables.versionWithStamp(delta, t.table, from + 1, now.get().getVersion(), stamp);
        if (version.isPresent()) {
            LOG.info("table {}: the commit whose answer was lost landed as version {}", t.table, version.get());
            return now;
        }
        if (now.get().getVersion() == from) {
            throw commitFailed(t, cause); // nothing changed: the failure is the store's, not a race
        }
        t.snapshot = now.get();
        return Optional.empty();
    }

    private SluiceException commitFailed(TableState t, Exception cause) {
        return new SluiceException(Stage.COMMIT, "table " + t.table + " in " + delta.store.describe(t.table) + ": commit"
                + " failed: " + DeltaTables.describe(cause) + ". Nothing of this batch was committed; the next run continues"
                + " from what the table holds", cause);
    }

    private SluiceException commitUnknown(TableState t, long from, Exception cause) {
        return new SluiceException(Stage.COMMIT, "table " + t.table + " in " + delta.store.describe(t.table) + ": commit"
                + " failed: " + DeltaTables.describe(cause) + ", and reading the table back failed too. The table stays at"
                + " version " + from + " unless this commit landed before the answer was lost; the next run reads which and"
                + " continues from there", cause);
    }

    /** Checkpoints and checksums Kernel asks for; the commit is durable already, so a failure here only warns. */
    private void runHooks(TableState t, TransactionCommitResult result) {
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            try {
                hook.threadSafeInvoke(delta.engine);
            } catch (Exception e) {
                LOG.warn("table {}: {} after version {} failed ({}); readers replay the log instead, and the next one is"
                        + " written later", t.table, hook.getType().name().toLowerCase(Locale.ROOT), result.getVersion(),
                        DeltaTables.describe(e));
            }
        }
    }

    /** Deletes what {@code t} wrote but did not commit (best effort: vacuum removes what is left). */
    private void discard(TableState t) {
        t.open.values().forEach(PartFile::abandon);
        t.open.clear();
        for (String k : t.finishedKeys) {
            try {
                delta.store.delete(k);
            } catch (RuntimeException e) {
                LOG.warn("table {}: could not remove uncommitted data files ({}); sluice table vacuum removes them", t.table,
                        e.getMessage());
                break;
            }
        }
        t.finished.clear();
        t.finishedKeys.clear();
        t.finishedContext.clear();
    }

    @Override
    public void storePositions(List<TablePosition> positions) {
        if (pendingSince >= 0) {
            throw new IllegalStateException("positions are stored apart only while no batch waits to be committed");
        }
        Map<String, List<TablePosition>> byTable = new LinkedHashMap<>();
        positions.forEach(p -> byTable.computeIfAbsent(key(p.table()), k -> new ArrayList<>()).add(p));
        for (List<TablePosition> ps : byTable.values()) {
            TableState t = state(ps.get(0).table());
            if (t.snapshot == null) {
                throw new CheckFailedException(Stage.COMMIT, "table " + t.table + " in " + delta.store.describe(t.table)
                        + " does not exist yet: positions are stored with a table's first rows");
            }
            // a reset is what the user asks for: it replaces what is stored, whatever it was
            ps.forEach(p -> t.positions.put(p.partition(), storedOf(t, p.partition())));
            ps.forEach(p -> t.pendingPositions.put(p.partition(), p));
            commit(t, Operation.MANUAL_UPDATE);
        }
    }

    private StoredPosition storedOf(TableState t, TopicPartition tp) {
        return DeltaTables.positions(t.table, t.snapshot).flatMap(d -> d.positions().stream()
                .filter(p -> p.position().partition().equals(tp)).findFirst()).orElse(null);
    }

    private TableState state(String table) {
        return tables.computeIfAbsent(key(table), k -> {
            if (!io.sluice.sink.parquet.ParquetSinkProvider.isTableName(table)) {
                throw new SluiceException(Stage.WRITE, "table name \"" + table + "\" cannot be a directory under "
                        + delta.store.describe("") + " (allowed: letters, digits, _, - and ., not starting with _, - or ., at most"
                        + " 255 characters)");
            }
            return new TableState(table, null);
        });
    }

    @Override
    public void close() {
        try {
            for (TableState t : tables.values()) {
                t.open.values().forEach(PartFile::abandon);
                t.open.clear();
            }
        } finally {
            delta.close();
        }
    }

    private static String key(String table) {
        return table.toLowerCase(Locale.ROOT);
    }

    private static String sha256(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
