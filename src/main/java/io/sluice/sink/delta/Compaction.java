package io.sluice.sink.delta;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.DataFileStatus;
import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.TableMaintenance.Optimized;
import io.sluice.sink.delta.LiveFiles.LiveFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice table optimize} for one table: per partition, the live files smaller than the target are packed into
 * groups of about the target size, each group is rewritten into one file ({@link FileRewriter}), and all of it is
 * committed at once: a remove for every file rewritten and an add for every file written, none changing data, with the
 * {@link MaintenanceDomain} entry.
 *
 * <p>Racing writers: an append committed meanwhile adds files this run never read, so Kernel rebases over it and
 * nothing of it is lost. Another compaction conflicts (same domain, or a file both remove): the table is read again,
 * and the same new files are committed once every file they replace is still live and the schema is unchanged;
 * otherwise they are deleted and the table is planned again, a few times at most.
 */
final class Compaction {
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
    static final int ATTEMPTS = 5;

    private final DeltaStore delta;
    private final Optional<Path> localRoot;
    private final Clock clock;
    private final String runId = UUID.randomUUID().toString().replace("-", "");
    private int fileCounter;
    private int commitCounter;

    /** Files of one partition to rewrite into one. */
    record Bin(Map<String, String> partition, List<LiveFile> files) {
        long bytes() {
            return files.stream().mapToLong(LiveFile::size).sum();
        }
    }

    /** A file this run wrote (uploaded, not yet committed) in place of a bin. */
    private record Written(String key, DataFileStatus status, MapValue partitionValues, long rows) {}

    /** @param localRoot the store's directory when it is on disk (files are read in place), empty for S3 */
    Compaction(DeltaStore delta, Optional<Path> localRoot, Clock clock) {
        this.delta = delta;
        this.localRoot = localRoot;
        this.clock = clock;
    }

    /**
     * Groups, per partition (the same partition values), the files smaller than {@code target} in the order they were
     * written: a group is closed before a file would take it past the target; groups of one file are left alone.
     */
    static List<Bin> plan(List<LiveFile> live, long target) {
        Map<Map<String, String>, List<LiveFile>> byPartition = new LinkedHashMap<>();
        live.stream().filter(f -> f.size() < target)
                .sorted(Comparator.comparingLong(LiveFile::modificationTime).thenComparing(LiveFile::path))
                .forEach(f -> byPartition.computeIfAbsent(f.partitionValues(), k -> new ArrayList<>()).add(f));
        List<Bin> bins = new ArrayList<>();
        byPartition.forEach((partition, files) -> {
            List<LiveFile> current = new ArrayList<>();
            long bytes = 0;
            for (LiveFile f : files) {
                if (!current.isEmpty() && bytes + f.size() > target) {
                    close(bins, partition, current);
                    current = new ArrayList<>();
                    bytes = 0;
                }
                current.add(f);
                bytes += f.size();
            }
            close(bins, partition, current);
        });
        return bins;
    }

    private static void close(List<Bin> bins, Map<String, String> partition, List<LiveFile> files) {
        if (files.size() > 1) {
            bins.add(new Bin(partition, List.copyOf(files)));
        }
    }

    Optimized run(String table, long target) {
        for (int attempt = 1; ; attempt++) {
            Snapshot snapshot = DeltaTables.load(delta, table).orElseThrow(() -> new SluiceException(Stage.WRITE,
                    "no Delta table " + table + " in " + delta.store.describe(table)));
            List<Bin> bins = plan(LiveFiles.of(delta, table, snapshot), target);
            if (bins.isEmpty()) {
                return new Optimized(table, Optional.empty(), 0, 0, 0, 0, 0, 0, attempt);
            }
            Transaction txn = transaction(table, snapshot);
            Row state = txn.getTransactionState(delta.engine);
            List<Written> written = write(table, snapshot, state, bins);
            Optional<Long> version = commit(table, snapshot, txn, bins, written);
            if (version.isPresent()) {
                Set<Map<String, String>> partitions = new HashSet<>();
                bins.forEach(b -> partitions.add(b.partition()));
                return new Optimized(table, version, partitions.size(), bins.stream().mapToInt(b -> b.files().size()).sum(),
                        written.size(), bins.stream().mapToLong(Bin::bytes).sum(),
                        written.stream().mapToLong(w -> w.status().getSize()).sum(),
                        written.stream().mapToLong(Written::rows).sum(), attempt);
            }
            discard(table, written);
            if (attempt >= ATTEMPTS) {
                throw new CheckFailedException(Stage.COMMIT, "table " + table + " in " + delta.store.describe(table)
                        + ": another maintenance run kept compacting the same files; " + ATTEMPTS + " attempts of this one"
                        + " lost to it. Nothing of this run was committed (the files it wrote are deleted)");
            }
            LOG.info("table {}: another maintenance run compacted files this one read; planning again", table);
        }
    }

    private Transaction transaction(String table, Snapshot snapshot) {
        return DeltaTables.build(table, delta, e -> snapshot.buildUpdateTableTransaction(DeltaSink.ENGINE_INFO,
                Operation.MANUAL_UPDATE).build(e));
    }

    /** Rewrites every bin and uploads the results; on any failure deletes what it uploaded. */
    private List<Written> write(String table, Snapshot snapshot, Row state, List<Bin> bins) {
        List<Written> out = new ArrayList<>();
        Path staging = delta.store.stagingDirectory();
        List<Path> temporary = new ArrayList<>();
        try (FileRewriter rewriter = FileRewriter.open(staging)) {
            for (Bin bin : bins) {
                List<Path> inputs = new ArrayList<>();
                long rowsIn = 0;
                for (LiveFile f : bin.files()) {
                    Path local = local(table, f, staging, temporary);
                    inputs.add(local);
                    rowsIn += rowCount(footer(local));
                }
                Path file = staging.resolve("optimize-" + runId.substring(0, 8) + "-" + fileCounter + ".parquet.tmp");
                temporary.add(file);
                rewriter.rewrite(inputs, snapshot.getSchema(), snapshot.getPartitionColumnNames(), file,
                        "sluice optimize " + runId);
                ParquetMetadata footer = footer(file);
                if (rowCount(footer) != rowsIn) {
                    throw new IllegalStateException("the rewritten file holds " + rowCount(footer) + " rows, the files it"
                            + " replaces " + rowsIn);
                }
                DataFileStatistics stats = FileStats.of(footer, DeltaTables.physicalSchema(state),
                        KernelActions.statisticsColumns(state));
                long size = Files.size(file);
                String first = delta.key(table, bin.files().get(0).path());
                String dir = first.substring(0, first.lastIndexOf('/'));
                String key = dir + "/" + String.format("part-%s-%05d.optimized.zstd.parquet", runId.substring(0, 8), fileCounter++);
                delta.store.putFile(key, file);
                out.add(new Written(key, new DataFileStatus(delta.tablePath(table) + "/" + key.substring(table.length() + 1),
                        size, clock.millis(), Optional.of(stats)), KernelActions.partitionValues(bin.files().get(0).add()),
                        rowsIn));
                inputs.stream().filter(temporary::contains).forEach(Compaction::deleteQuietly);
            }
            return out;
        } catch (IOException | SQLException | RuntimeException e) {
            discard(table, out);
            if (e instanceof SluiceException s) {
                throw s;
            }
            String why = e instanceof FileRewriter.UnsupportedTypeException u
                    ? "it has a column of type " + u.getMessage() + ", which Sluice cannot rewrite"
                    : DeltaTables.describe(e);
            throw new SluiceException(Stage.WRITE, "table " + table + " in " + delta.store.describe(table) + ": cannot"
                    + " rewrite its small files: " + why + ". Nothing was committed; the table is as it was", e);
        } finally {
            temporary.forEach(Compaction::deleteQuietly);
        }
    }

    /** A local copy of a live file: the file itself on disk, a download for S3. */
    private Path local(String table, LiveFile f, Path staging, List<Path> temporary) throws IOException {
        String key = delta.key(table, f.path());
        if (localRoot.isPresent()) {
            return localRoot.get().resolve(key);
        }
        byte[] data = delta.store.get(key).orElseThrow(() -> new SluiceException(Stage.WRITE, "table " + table + ": its"
                + " data file " + delta.store.describe(key) + " is missing (the log references it). Nothing was committed"));
        Path p = staging.resolve("optimize-" + runId.substring(0, 8) + "-in-" + temporary.size() + ".parquet.tmp");
        temporary.add(p);
        Files.write(p, data);
        return p;
    }

    private static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            return r.getFooter();
        }
    }

    private static long rowCount(ParquetMetadata footer) {
        return footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
    }

    /**
     * Commits the bins' removes and the written files' adds; the version, or empty when another compaction took files
     * this one rewrote (or changed the schema) and the table must be planned again.
     */
    private Optional<Long> commit(String table, Snapshot snapshot, Transaction txn, List<Bin> bins, List<Written> written) {
        String stamp = runId + "/" + (commitCounter++);
        Snapshot base = snapshot;
        for (int attempt = 0; ; attempt++) {
            long now = clock.millis();
            Row state = txn.getTransactionState(delta.engine);
            List<Row> actions = new ArrayList<>();
            for (Bin b : bins) {
                b.files().forEach(f -> actions.add(KernelActions.remove(f.add(), now)));
            }
            written.forEach(w -> actions.add(KernelActions.add(state, w.status(), w.partitionValues())));
            if (base.getProtocol().getWriterFeatures().contains("domainMetadata")) {
                txn.addDomainMetadata(MaintenanceDomain.DOMAIN, new MaintenanceDomain(MaintenanceDomain.OPTIMIZE, stamp,
                        bins.stream().mapToInt(b -> b.files().size()).sum(), written.size()).toJson());
            }
            TransactionCommitResult result;
            try {
                result = txn.commit(delta.engine, CloseableIterable.inMemoryIterable(Utils.toCloseableIterator(actions.iterator())));
            } catch (RuntimeException e) {
                if (!(e instanceof ConcurrentWriteException)) {
                    if (e instanceof SluiceException s) {
                        discard(table, written); // refused before anything was written to the log
                        throw s;
                    }
                    Optional<Snapshot> landed = landed(table, base, stamp, written, e);
                    if (landed.isPresent()) {
                        return Optional.of(landed.get().getVersion());
                    }
                }
                // another commit won: the same files go in again only if all they replace are still live
                Snapshot now2 = reloadAfterConflict(table, written);
                if (attempt >= ATTEMPTS || !stillLive(table, now2, bins) || !now2.getSchema().equals(base.getSchema())) {
                    return Optional.empty();
                }
                base = now2;
                txn = transaction(table, base);
                continue;
            }
            runHooks(table, result);
            return Optional.of(result.getVersion());
        }
    }

    /** The table after a conflict (this commit did not land); a failure to read it deletes the new files. */
    private Snapshot reloadAfterConflict(String table, List<Written> written) {
        try {
            return DeltaTables.load(delta, table).orElseThrow(() -> new SluiceException(Stage.COMMIT, "table " + table
                    + " in " + delta.store.describe(table) + " vanished while it was compacted"));
        } catch (RuntimeException e) {
            discard(table, written);
            throw e;
        }
    }

    /** Whether every file the bins rewrite is still live in {@code now}. */
    private boolean stillLive(String table, Snapshot now, List<Bin> bins) {
        Set<String> live = new HashSet<>();
        LiveFiles.of(delta, table, now).forEach(f -> live.add(f.path()));
        return bins.stream().allMatch(b -> b.files().stream().allMatch(f -> live.contains(f.path())));
    }

    /**
     * A commit that failed without a conflict (the store's answer lost, or a write refused): the version it landed as
     * when the log holds its stamp; empty when it did not land and the table moved on (committing again is safe);
     * throws, deleting the new files, when it did not land and nothing else changed (the failure is the store's).
     */
    private Optional<Snapshot> landed(String table, Snapshot base, String stamp, List<Written> written, RuntimeException cause) {
        Optional<Snapshot> now;
        try {
            now = DeltaTables.load(delta, table);
        } catch (RuntimeException e) {
            throw new SluiceException(Stage.COMMIT, "table " + table + " in " + delta.store.describe(table) + ": the"
                    + " compaction's commit failed (" + DeltaTables.describe(cause) + ") and reading the table back failed"
                    + " too; the table holds either the old files or the compacted ones, never both", cause);
        }
        if (now.isPresent()) {
            Optional<Long> v = DeltaTables.versionWithStamp(delta, table, base.getVersion() + 1, now.get().getVersion(), stamp);
            if (v.isPresent()) {
                return now;
            }
            if (now.get().getVersion() != base.getVersion()) {
                return Optional.empty();
            }
        }
        discard(table, written);
        throw new SluiceException(Stage.COMMIT, "table " + table + " in " + delta.store.describe(table) + ": the"
                + " compaction's commit failed: " + DeltaTables.describe(cause) + ". Nothing of it was committed (the files"
                + " it wrote are deleted); the table is as it was", cause);
    }

    private void runHooks(String table, TransactionCommitResult result) {
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            try {
                hook.threadSafeInvoke(delta.engine);
            } catch (Exception e) {
                LOG.warn("table {}: {} after version {} failed ({}); readers replay the log instead", table,
                        hook.getType().name().toLowerCase(Locale.ROOT), result.getVersion(), DeltaTables.describe(e));
            }
        }
    }

    /** Deletes files this run wrote and did not commit (best effort: vacuum removes what is left). */
    private void discard(String table, List<Written> written) {
        for (Written w : written) {
            try {
                delta.store.delete(w.key());
            } catch (RuntimeException e) {
                LOG.warn("table {}: could not delete uncommitted file {} ({}); sluice table vacuum removes it", table,
                        delta.store.describe(w.key()), e.getMessage());
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover in the staging directory
        }
    }
}
