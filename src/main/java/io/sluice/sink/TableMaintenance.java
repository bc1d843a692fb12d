package io.sluice.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Upkeep of the tables a sink writes, for {@code sluice table}: compacting small files, deleting files no version
 * needs any more, and reading a table's history and its state as of a version. Only sinks that keep a table's
 * versions (Delta) offer it ({@link SinkProvider#openMaintenance}).
 *
 * <p>Every method may run while a pipeline appends to the same tables: none of them may lose or duplicate a row a
 * pipeline committed, or one it commits while the method runs. Failures throw
 * {@link io.sluice.pipeline.SluiceException} naming the table and where it lives; a refused operation (a retention
 * below the table's own, a table the command cannot change) throws {@link io.sluice.pipeline.CheckFailedException}.
 *
 * <p>Lifecycle: {@link SinkProvider#openMaintenance}, any number of calls, {@link #close}.
 */
public interface TableMaintenance extends AutoCloseable {
    /** The tables under the sink's location, sorted by name; empty when there are none yet. */
    List<String> tables();

    /**
     * Rewrites, per partition, the table's files smaller than {@code targetBytes} into files of about that size, in one
     * commit that changes no row (the old files are removed, the new ones added, all marked as not changing data).
     * A table with nothing to compact is left as it is (no commit).
     */
    Optimized optimize(String table, long targetBytes);

    /**
     * Deletes the table's files that no version newer than {@code retain} ago references and that are older than
     * that, or only lists them when {@code dryRun}. A retention below the table's
     * {@code delta.deletedFileRetentionDuration} is refused unless {@code force}.
     */
    Vacuumed vacuum(String table, Duration retain, boolean dryRun, boolean force);

    /** The table's versions, newest first, as far back as its log goes (at most {@code limit}). */
    List<Version> history(String table, int limit);

    /** The table as of a version (or of the last version at or before a time, or the newest). */
    TableView show(String table, Optional<Long> version, Optional<Instant> timestamp);

    @Override
    void close();

    /**
     * What {@link #optimize} did.
     *
     * @param version         the version it committed; empty when there was nothing to compact
     * @param partitions      partitions compacted
     * @param filesRemoved    files rewritten (removed from the table)
     * @param filesAdded      files written in their place
     * @param bytesRemoved    their size
     * @param bytesAdded      the new files' size
     * @param rows            rows rewritten (the same rows, in fewer files)
     * @param attempts        commits tried (more than one when another maintenance run committed first)
     */
    record Optimized(String table, Optional<Long> version, int partitions, int filesRemoved, int filesAdded,
            long bytesRemoved, long bytesAdded, long rows, int attempts) {}

    /**
     * What {@link #vacuum} deleted (or would delete, when {@code dryRun}).
     *
     * @param deleted     the files' keys relative to the table, sorted
     * @param bytes       their size
     * @param keptRecent  files no version references but too new to delete (a write may still commit them)
     * @param retention   the table's own minimum retention
     */
    record Vacuumed(String table, boolean dryRun, List<String> deleted, long bytes, int keptRecent, Duration retain,
            Duration retention) {
        public Vacuumed {
            deleted = List.copyOf(deleted);
        }
    }

    /**
     * One version of a table, counted from its commit's actions.
     *
     * @param operation     what made it: CREATE TABLE, STREAMING UPDATE, OPTIMIZE, ...
     * @param rowsAdded     rows in the files added, empty when a file has no statistics
     * @param rowsRemoved   rows in the files removed, empty when a file has no statistics
     * @param schemaChanges the schema changes it made, in words
     */
    record Version(long version, Instant timestamp, String operation, Optional<Long> rowsAdded, Optional<Long> rowsRemoved,
            int filesAdded, int filesRemoved, List<String> schemaChanges) {
        public Version {
            schemaChanges = List.copyOf(schemaChanges);
        }
    }

    /**
     * A table as of one version.
     *
     * @param rows        from the files' statistics; empty when a file has none
     * @param columns     the table's columns, partition columns included, by their names (not the files' physical names)
     */
    record TableView(String table, String location, long version, Instant timestamp, Optional<Long> rows, int files,
            long bytes, List<ColumnView> columns, List<String> partitionColumns) {
        public TableView {
            columns = List.copyOf(columns);
            partitionColumns = List.copyOf(partitionColumns);
        }
    }

    /** A column of a {@link TableView}: its name, its type as the table format spells it, and whether it takes nulls. */
    record ColumnView(String name, String type, boolean nullable) {}
}
