package io.sluice.sink.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.actions.Protocol;
import io.delta.kernel.internal.data.TransactionStateRow;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reading Delta tables as Sluice needs them, through Kernel: a table's snapshot, its positions and columns, whether
 * Sluice can write it, and Kernel's failures in Sluice's words.
 */
final class DeltaTables {
    /**
     * The table features Sluice writes correctly: those it turns on itself, and those that ask nothing of a writer that
     * only appends files. Any other (deletion vectors, change data feed, row tracking, identity columns, check
     * constraints, generated columns, ...) makes Sluice refuse the table before writing.
     */
    static final Set<String> WRITABLE_FEATURES = Set.of("appendOnly", "invariants", "columnMapping", "domainMetadata",
            "typeWidening", "typeWidening-preview", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck",
            "inCommitTimestamp", "checkpointProtection");

    private DeltaTables() {}

    /** The table's newest snapshot, or empty when there is no table (no log) at its path. */
    static Optional<Snapshot> load(DeltaStore delta, String table) {
        try {
            Snapshot s = TableManager.loadSnapshot(delta.tablePath(table)).build(delta.engine);
            checkWritable(table, delta, s);
            return Optional.of(s);
        } catch (TableNotFoundException e) {
            return Optional.empty();
        } catch (SluiceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SluiceException(Stage.CONNECT, "cannot read Delta table " + table + " in " + delta.store.describe(table)
                    + ": " + describe(e), e);
        }
    }

    /** The snapshot of {@code version}, for time travel and history. */
    static Snapshot load(DeltaStore delta, String table, long version) {
        try {
            return TableManager.loadSnapshot(delta.tablePath(table)).atVersion(version).build(delta.engine);
        } catch (RuntimeException e) {
            throw new CheckFailedException(Stage.CONNECT, "cannot read version " + version + " of Delta table " + table
                    + " in " + delta.store.describe(table) + ": " + describe(e));
        }
    }

    /** Refuses a table with features Sluice cannot write, or mapped by column id, naming what it has. */
    static void checkWritable(String table, DeltaStore delta, Snapshot s) {
        Protocol p = s.getProtocol();
        List<String> unknown = new ArrayList<>();
        if (p.getMinWriterVersion() >= 7) {
            for (String f : p.getWriterFeatures()) {
                if (!WRITABLE_FEATURES.contains(f)) {
                    unknown.add(f);
                }
            }
        } else if (p.getMinWriterVersion() >= 4 && "true".equalsIgnoreCase(s.getTableProperties()
                .getOrDefault("delta.enableChangeDataFeed", "false"))) {
            unknown.add("changeDataFeed");
        }
        if (!unknown.isEmpty()) {
            throw new CheckFailedException(Stage.CONNECT, "Delta table " + table + " in " + delta.store.describe(table)
                    + " uses table features Sluice cannot write: " + String.join(", ", unknown) + " (writer version "
                    + p.getMinWriterVersion() + "). Nothing was written; write to another table (sink.table) or path");
        }
        String mode = s.getTableProperties().getOrDefault(ColumnMapping.MODE, "none");
        if (mode.equalsIgnoreCase("id")) {
            throw new CheckFailedException(Stage.CONNECT, "Delta table " + table + " in " + delta.store.describe(table)
                    + " maps columns by id (delta.columnMapping.mode = id), which Sluice cannot write; it writes tables"
                    + " mapped by name. Nothing was written; write to another table (sink.table) or path");
        }
    }

    /** The partition columns the table has must be the ones {@code partition_by} makes. */
    static void checkPartitioning(String table, DeltaStore delta, Snapshot s, List<String> wanted) {
        List<String> have = s.getPartitionColumnNames();
        List<String> a = have.stream().map(x -> x.toLowerCase(Locale.ROOT)).toList();
        List<String> b = wanted.stream().map(x -> x.toLowerCase(Locale.ROOT)).toList();
        if (!a.equals(b)) {
            throw new CheckFailedException(Stage.WRITE, "Delta table " + table + " in " + delta.store.describe(table)
                    + " is partitioned by " + have + ", but sink.partition_by makes " + wanted + ": a Delta table's"
                    + " partition columns are fixed when it is created. Nothing of this batch was written; set"
                    + " sink.partition_by back, or write to another table (sink.table) or path");
        }
    }

    /** The table's columns as Sluice types, the partition columns Sluice derives left out. */
    static List<Column> columns(String table, Snapshot s, List<PartitionField> partitionBy) {
        Set<String> derived = new java.util.HashSet<>();
        PartitionColumns.derivedColumns(partitionBy).forEach(c -> derived.add(c.name().toLowerCase(Locale.ROOT)));
        List<Column> out = new ArrayList<>();
        for (StructField f : s.getSchema().fields()) {
            if (derived.contains(f.getName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            Optional<DataType> t = DeltaTypes.sluice(f.getDataType());
            if (t.isEmpty()) {
                throw new CheckFailedException(Stage.CONNECT, "Delta table " + table + " has column " + f.getName() + " of type "
                        + DeltaTypes.describe(f.getDataType()) + ", which Sluice cannot write. Nothing was written; write to"
                        + " another table (sink.table) or path");
            }
            out.add(new Column(f.getName(), t.get()));
        }
        return out;
    }

    /** The positions the table holds, or empty when no Sluice commit stored any. */
    static Optional<PositionsDomain> positions(String table, Snapshot s) {
        return s.getDomainMetadata(PositionsDomain.DOMAIN).map(json -> {
            try {
                return PositionsDomain.parse(table, json);
            } catch (IllegalArgumentException e) {
                throw new CheckFailedException(Stage.CONNECT, e.getMessage());
            }
        });
    }

    /** Builds a transaction, Kernel's refusal (a feature, a schema change it cannot make) in Sluice's words. */
    static Transaction build(String table, DeltaStore delta, Function<Engine, Transaction> build) {
        try {
            return build.apply(delta.engine);
        } catch (io.delta.kernel.exceptions.TableAlreadyExistsException e) {
            throw e; // another writer created it first: the sink decides
        } catch (KernelException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new CheckFailedException(Stage.WRITE, "Delta table " + table + " in " + delta.store.describe(table)
                    + ": Delta Kernel refused the commit: " + describe(e) + ". Nothing of this batch was written");
        }
    }

    /** The table properties of a table Sluice creates: the user's, then what Sluice needs. */
    static Map<String, String> createProperties(DeltaSinkConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(ColumnMapping.MODE, "name");
        out.put("delta.enableTypeWidening", "true");
        out.put("delta.checkpointInterval", Integer.toString(config.checkpointInterval()));
        out.putAll(config.tableProperties());
        out.put("delta.feature.domainMetadata", "supported");
        return out;
    }

    static StructType physicalSchema(Row transactionState) {
        return TransactionStateRow.getPhysicalSchema(transactionState);
    }

    /** The first version in {@code [from, to]} whose commit carries {@code stamp}; read from the log files. */
    static Optional<Long> versionWithStamp(DeltaStore delta, String table, long from, long to, String stamp) {
        String needle = stamp.replace("/", "\\/");
        for (long v = Math.max(0, from); v <= to; v++) {
            Optional<byte[]> json = delta.store.get(table + "/_delta_log/" + String.format("%020d", v) + ".json");
            if (json.isPresent()) {
                String text = new String(json.get(), StandardCharsets.UTF_8);
                if (text.contains(stamp) || text.contains(needle)) {
                    return Optional.of(v);
                }
            }
        }
        return Optional.empty();
    }

    /** An exception in plain words: the innermost message worth showing, without class names. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof java.io.UncheckedIOException
                || t.getClass().getName().startsWith("io.delta.kernel.exceptions.KernelEngineException"))) {
            t = t.getCause();
        }
        if (t instanceof SluiceException) {
            return t.getMessage();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
