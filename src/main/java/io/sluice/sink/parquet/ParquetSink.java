package io.sluice.sink.parquet;

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
import io.sluice.sink.parquet.LedgerEntry.DataFile;
import io.sluice.sink.parquet.LedgerEntry.Kind;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each table's rows into Parquet files under {@code <root>/<table>/<partition dirs>/} and commits them with a
 * ledger entry per table ({@link Ledger}), which also holds the table's positions: a table's files and positions
 * become durable together, when that entry is created. Entries are created only if absent, so a writer whose next
 * entry another writer has taken (a claim at open, or a commit) is fenced.
 */
final class ParquetSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetSink.class);
    static final SinkCapabilities CAPABILITIES = new SinkCapabilities(ParquetTypes.SUPPORT, false, true);
    private static final int CLAIM_ATTEMPTS = 100;

    private final ParquetSinkConfig config;
    private final String pipeline;
    private final ObjectStore store;
    private final Clock clock;
    private final String writerId = UUID.randomUUID().toString().replace("-", "");
    private final String writer8 = writerId.substring(0, 8);
    private final Partitioner partitioner;
    private final Path staging;
    /** Bytes the open files of every table may hold in memory together before the largest is finished early. */
    private final long bufferBudget;
    /** By lower-case table name. */
    private final Map<String, TableState> tables = new LinkedHashMap<>();
    private long written = -1;
    private long durable = -1;
    /** When the oldest batch not yet committed was written (System.nanoTime), or -1. */
    private long pendingSince = -1;
    private int stagingCounter;

    /** What this writer knows of one table: its newest entry, and what it has written since. */
    private final class TableState {
        final String table;
        LedgerEntry head;
        List<Column> columns = List.of();
        final Map<TopicPartition, StoredPosition> positions = new LinkedHashMap<>();
        final Map<TopicPartition, TablePosition> pendingPositions = new LinkedHashMap<>();
        final List<SchemaChange> pendingChanges = new ArrayList<>();
        final Map<String, PartFile> open = new LinkedHashMap<>();
        final List<DataFile> finished = new ArrayList<>();
        /** The partition directories the table's committed files are in; empty while unknown (no files yet). */
        Optional<List<PartitionField>> layout = Optional.empty();
        int fileCounter;
        /**
         * Whether this writer has claimed the table (or creates it): only then may it remove files no commit lists, or
         * name files after its next entry. A table another pipeline wrote last is claimed when this run first writes to it.
         */
        boolean claimed;

        TableState(String table, LedgerEntry head) {
            this.table = table;
            this.head = head;
            this.claimed = head == null;
            if (head != null) {
                columns = head.columns();
                layout = head.partitionBy();
                head.positions().forEach(p -> positions.put(p.position().partition(), p));
            }
        }

        long nextSeq() {
            return head == null ? 0 : head.seq() + 1;
        }

        boolean pending() {
            return !open.isEmpty() || !finished.isEmpty() || !pendingPositions.isEmpty() || !pendingChanges.isEmpty();
        }
    }

    private ParquetSink(ParquetSinkConfig config, String pipeline, ObjectStore store, Clock clock, long bufferBudget) {
        this.config = config;
        this.bufferBudget = bufferBudget;
        this.pipeline = pipeline;
        this.store = store;
        this.clock = clock;
        this.partitioner = new Partitioner(config.partitionBy(), LOG::warn);
        this.staging = store.stagingDirectory();
    }

    static ParquetSink open(ParquetSinkConfig config, String pipeline) {
        return open(config, pipeline, defaultBufferBudget());
    }

    /**
     * A quarter of the heap, at least 32 MB: each open file buffers a row group of up to 128 MB, and rows spread over many
     * partitions (an hourly partition over a week's backlog) keep many files open at once.
     */
    static long defaultBufferBudget() {
        return Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    static ParquetSink open(ParquetSinkConfig config, String pipeline, long bufferBudget) {
        ObjectStore store = Stores.open(config);
        try {
            store.check();
            ParquetSink sink = new ParquetSink(config, pipeline, store, Clock.systemUTC(), bufferBudget);
            sink.claimAll();
            return sink;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Takes over every table this pipeline wrote last (see {@link #claim}). The tables of other pipelines under the same
     * path are only read (their positions), so pipelines that share a path but not a table never fence each other; one of
     * them is claimed when this run first writes to it.
     */
    private void claimAll() {
        for (String table : Ledger.tables(store)) {
            Optional<LedgerEntry> newest = Ledger.newest(store, table);
            if (newest.isEmpty()) {
                continue;
            }
            TableState t = new TableState(table, newest.get());
            tables.put(key(table), t);
            if (newest.get().pipeline().equals(pipeline)) {
                claim(t);
            }
        }
    }

    /**
     * A claim entry at the table's newest + 1 (the newest claimant wins, so an older writer still running is fenced at
     * its next commit), then the removal of data files no commit lists. The table must still hold the positions this
     * writer read when it opened: if another writer committed since, this run's start is stale and it stops (fenced)
     * without claiming, so the other writer goes on.
     */
    private void claim(TableState t) {
        LedgerEntry head = Ledger.newest(store, t.table).orElseThrow();
        for (int attempt = 0; ; attempt++) {
            if (head.seq() != t.head.seq() && !samePositions(head, t.head)) {
                throw staleStart(t, head);
            }
            LedgerEntry claim = new LedgerEntry(LedgerEntry.FORMAT, head.seq() + 1, writerId, pipeline, clock.instant(),
                    Kind.CLAIM, List.of(), head.positions(), head.columns(), List.of(), head.partitionBy());
            if (store.putIfAbsent(Ledger.key(t.table, claim.seq()), claim.toJson())) {
                t.head = claim;
                break;
            }
            if (attempt >= CLAIM_ATTEMPTS) {
                throw new SluiceException(Stage.CONNECT, "pipeline " + pipeline + " could not claim table " + t.table + " in "
                        + store.describe(Ledger.dir(t.table)) + ": other writers kept taking the next ledger entry");
            }
            head = Ledger.newest(store, t.table).orElseThrow();
        }
        t.claimed = true;
        removeOrphans(t);
    }

    private static boolean samePositions(LedgerEntry a, LedgerEntry b) {
        return positionsOf(a).equals(positionsOf(b));
    }

    private static Map<TopicPartition, Long> positionsOf(LedgerEntry e) {
        Map<TopicPartition, Long> out = new HashMap<>();
        e.positions().forEach(p -> out.put(p.position().partition(), p.position().nextOffset()));
        return out;
    }

    private FencedException staleStart(TableState t, LedgerEntry newer) {
        discard(t);
        return new FencedException("pipeline " + pipeline + " (writer " + writerId + ") cannot write to table " + t.table
                + " in " + store.describe(t.table) + ": another writer (" + newer.writer() + " of pipeline " + newer.pipeline()
                + ") committed to it at " + newer.time() + ", after this run read where the table stood, so this run would"
                + " load records again. Nothing of this run was committed to it; the other writer continues. Run one writer"
                + " per table at a time.");
    }

    /**
     * Deletes data files of {@code t} that no commit entry lists: what crashed or fenced attempts left behind. Only files
     * named after this writer's entry or earlier ones: those can never be committed any more.
     */
    private void removeOrphans(TableState t) {
        Map<Long, Optional<LedgerEntry>> entries = new HashMap<>();
        int removed = 0;
        for (String k : store.list(t.table + "/")) {
            if (k.startsWith(t.table + "/_sluice/")) {
                continue;
            }
            String name = k.substring(k.lastIndexOf('/') + 1);
            java.util.regex.Matcher m = Ledger.DATA_FILE.matcher(name);
            if (!m.matches()) {
                continue;
            }
            long seq = Long.parseLong(m.group(1));
            if (seq > t.head.seq()) {
                continue; // named after an entry to come: a writer that claimed the table after this one is writing it
            }
            Optional<LedgerEntry> e = entries.computeIfAbsent(seq, s -> Ledger.entry(store, t.table, s));
            boolean committed = e.isPresent() && e.get().kind() == Kind.COMMIT && e.get().writer().startsWith(m.group(2))
                    && e.get().files().stream().anyMatch(f -> f.key().equals(k));
            if (!committed) {
                store.delete(k);
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info("table {}: removed {} data files that no commit lists (left by an attempt that crashed or was fenced)",
                    t.table, removed);
        }
    }

    @Override
    public SinkCapabilities capabilities() {
        return CAPABILITIES;
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
        if (!t.claimed) {
            claim(t); // before any file is named after its next entry
        }
        checkLayout(t);
        if (!rows.columns().equals(t.columns)) {
            finishAll(t); // files keep one schema: new columns start new files
            t.columns = rows.columns();
        }
        Partitioner.Assignment a = partitioner.assign(rows);
        PartFile[] files = new PartFile[a.dirs().size()];
        int[] rowDir = a.rowDir();
        for (int r = 0; r < rows.size(); r++) {
            int d = rowDir[r];
            PartFile f = files[d];
            if (f == null) {
                f = files[d] = t.open.computeIfAbsent(a.dirs().get(d), dir -> newFile(t, dir, rows.columns()));
            }
            if (f.write(rows, r, config.targetFileSize())) {
                finish(t, f);
                t.open.remove(a.dirs().get(d));
                files[d] = null;
            }
        }
    }

    /**
     * Finishes the open files holding the most memory, largest first, until what they hold together is within the
     * budget: such a file rolls early, smaller than {@code target_file_size}, and is committed with the rest.
     */
    private void keepWithinBudget() {
        long total = 0;
        List<Map.Entry<TableState, Map.Entry<String, PartFile>>> open = new ArrayList<>();
        Map<PartFile, Long> size = new HashMap<>();
        for (TableState t : tables.values()) {
            for (Map.Entry<String, PartFile> e : t.open.entrySet()) {
                long b = e.getValue().buffered();
                size.put(e.getValue(), b);
                total += b;
                open.add(Map.entry(t, e));
            }
        }
        if (total <= bufferBudget) {
            return;
        }
        open.sort((a, b) -> Long.compare(size.get(b.getValue().getValue()), size.get(a.getValue().getValue())));
        int rolled = 0;
        for (Map.Entry<TableState, Map.Entry<String, PartFile>> e : open) {
            if (total <= bufferBudget / 2) {
                break;
            }
            PartFile f = e.getValue().getValue();
            total -= size.get(f);
            finish(e.getKey(), f);
            e.getKey().open.remove(e.getValue().getKey());
            rolled++;
        }
        LOG.debug("finished {} open files early: they held more than {} bytes in memory together", rolled, bufferBudget);
    }

    /** Bytes the open files hold in memory together (tests). */
    long buffered() {
        return tables.values().stream().flatMap(t -> t.open.values().stream()).mapToLong(PartFile::buffered).sum();
    }

    /**
     * One table, one directory layout: Hive-style readers (DuckDB's {@code hive_partitioning}, Spark) refuse a table
     * whose files are partitioned in two ways, so a changed {@code partition_by} stops the run before it writes.
     */
    private void checkLayout(TableState t) {
        if (t.layout.isPresent() && !t.layout.get().equals(config.partitionBy())) {
            throw new CheckFailedException(Stage.WRITE, "table " + t.table + " in " + store.describe(t.table)
                    + " holds files partitioned by " + describe(t.layout.get()) + ", as its ledger records, but sink.partition_by"
                    + " now says " + describe(config.partitionBy()) + ": one table's files must share one layout, or Hive-style"
                    + " readers (DuckDB's hive_partitioning, Spark) cannot read it. Nothing of this batch was written. Set"
                    + " sink.partition_by back, or write the new layout to another table (sink.table) or sink.path.");
        }
    }

    static String describe(List<PartitionField> fields) {
        if (fields.isEmpty()) {
            return "[] (no partition directories)";
        }
        return fields.stream().map(f -> "{column: " + f.column() + (f.transform() == Transform.IDENTITY ? ""
                : ", transform: " + f.transform().name().toLowerCase(Locale.ROOT)) + "}")
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    private PartFile newFile(TableState t, String dir, List<Column> columns) {
        String name = Ledger.dataFileName(t.nextSeq(), writer8, t.fileCounter++);
        String key = t.table + "/" + (dir.isEmpty() ? "" : dir + "/") + name;
        Path file = staging.resolve(writer8 + "-" + (stagingCounter++) + ".parquet.tmp");
        return PartFile.create(key, file, columns, config.compression().codec, config.targetFileSize(),
                Map.of("sluice.writer", writerId, "sluice.pipeline", pipeline, "sluice.table", t.table));
    }

    private void finish(TableState t, PartFile f) {
        long bytes = f.finish();
        store.putFile(f.key, f.staging);
        t.finished.add(new DataFile(f.key, f.rows(), bytes));
    }

    private void finishAll(TableState t) {
        for (PartFile f : t.open.values()) {
            finish(t, f);
        }
        t.open.clear();
    }

    @Override
    public boolean flushDue() {
        return pendingSince >= 0 && System.nanoTime() - pendingSince >= config.commitInterval().toNanos();
    }

    /** Finishes and places every open file first, then commits table by table: no entry lists a file not in place. */
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
                commit(t, Kind.COMMIT);
            }
        }
        durable = written;
        pendingSince = -1;
        return durable;
    }

    private void commit(TableState t, Kind kind) {
        if (!t.claimed) {
            claim(t); // a commit of positions only (offsets reset)
        }
        Map<TopicPartition, StoredPosition> after = new LinkedHashMap<>(t.positions);
        t.pendingPositions.forEach((tp, p) -> {
            StoredPosition had = after.get(tp);
            // a position without a topic id keeps the one stored, as the DuckDB sink's upsert does
            Optional<String> id = p.topicId().isPresent() || had == null ? p.topicId() : had.position().topicId();
            after.put(tp, new StoredPosition(new TablePosition(t.table, tp, p.nextOffset(), id), pipeline));
        });
        long seq = t.nextSeq();
        Optional<List<PartitionField>> layout = t.finished.isEmpty() ? t.layout : Optional.of(config.partitionBy());
        LedgerEntry entry = new LedgerEntry(LedgerEntry.FORMAT, seq, writerId, pipeline, clock.instant(), kind,
                t.finished, new ArrayList<>(after.values()), t.columns, t.pendingChanges, layout);
        if (seq == 0) {
            Ledger.mark(store, t.table);
        }
        String key = Ledger.key(t.table, seq);
        boolean created;
        try {
            created = store.putIfAbsent(key, entry.toJson());
        } catch (SluiceException e) {
            // no answer: the entry may exist (its response lost), listing these files, so they stay for the next run's claim
            t.finished.clear();
            throw new SluiceException(Stage.COMMIT, "table " + t.table + ": commit failed: " + e.getMessage() + ". "
                    + (seq == 0 ? "Nothing is committed to the table" : "The table stays at ledger entry " + (seq - 1))
                    + " unless entry " + seq + " was created before the answer was lost; the next run reads which,"
                    + " continues from there and removes the files no entry lists", e);
        }
        if (!created) {
            throw fenced(t, seq);
        }
        t.head = entry;
        t.layout = layout;
        t.positions.clear();
        t.positions.putAll(after);
        t.pendingPositions.clear();
        t.pendingChanges.clear();
        t.finished.clear();
        t.fileCounter = 0;
        if (seq == 0) {
            removeOrphansOfNewTable(t);
        }
    }

    /**
     * A table without entries is claimed by no one, so files an earlier attempt wrote for its first entry (a crash, a
     * failed commit) stay until its first entry exists: then no other writer can commit them, and they can go.
     */
    private void removeOrphansOfNewTable(TableState t) {
        try {
            removeOrphans(t);
        } catch (RuntimeException e) {
            LOG.warn("table {}: could not remove data files no commit lists ({}); the next run removes them", t.table,
                    e.getMessage());
        }
    }

    private FencedException fenced(TableState t, long seq) {
        List<DataFile> mine = new ArrayList<>(t.finished);
        discard(t);
        String other = Ledger.entry(store, t.table, seq).map(e -> "another writer (" + e.writer() + " of pipeline " + e.pipeline()
                + ") took it with a " + e.kind().name().toLowerCase(Locale.ROOT) + " at " + e.time()).orElse("another writer took it");
        return new FencedException("pipeline " + pipeline + " (writer " + writerId + ") lost table " + t.table + " in "
                + store.describe(t.table) + ": ledger entry " + seq + " was to be its next commit, but " + other
                + ". Nothing of this attempt was committed and its " + mine.size() + " data files were removed;"
                + " the other writer continues from what the table holds. Run one writer per table at a time.");
    }

    /** Deletes what {@code t} wrote but did not commit. */
    private void discard(TableState t) {
        t.open.values().forEach(PartFile::abandon);
        t.open.clear();
        for (int i = 0; i < t.finished.size(); i++) {
            try {
                store.delete(t.finished.get(i).key());
            } catch (RuntimeException e) {
                // the store is failing: each further delete would wait out its retries too, and the next run's claim removes them
                LOG.warn("table {}: could not remove {} uncommitted data files ({}); the next run removes them", t.table,
                        t.finished.size() - i, e.getMessage());
                break;
            }
        }
        t.finished.clear();
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
            ps.forEach(p -> t.pendingPositions.put(p.partition(), p));
            commit(t, Kind.POSITIONS);
        }
    }

    private TableState state(String table) {
        return tables.computeIfAbsent(key(table), k -> {
            // the manifest checks sink.table; this holds for any name a template could make
            if (!ParquetSinkProvider.isTableName(table)) {
                throw new SluiceException(Stage.WRITE, "table name \"" + table + "\" cannot be a directory under "
                        + store.describe("") + " (allowed: letters, digits, _, - and ., not starting with _, - or ., at most"
                        + " 255 characters)");
            }
            return new TableState(table, null);
        });
    }

    @Override
    public void close() {
        try {
            tables.values().forEach(this::discard);
        } finally {
            store.close();
        }
    }

    private static String key(String table) {
        return table.toLowerCase(Locale.ROOT);
    }
}
