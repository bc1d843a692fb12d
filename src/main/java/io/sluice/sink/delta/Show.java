package io.sluice.sink.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.TableMaintenance.ColumnView;
import io.sluice.sink.TableMaintenance.TableView;
import io.sluice.sink.delta.LiveFiles.LiveFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code sluice table show} for one table: as of its newest version, a version, or the last version at or before a
 * time (time travel through Kernel), its row count (from the files' statistics), files, size, columns and partition
 * columns. Reads only: tables with features Sluice cannot write are shown too.
 */
final class Show {
    private final DeltaStore delta;

    Show(DeltaStore delta) {
        this.delta = delta;
    }

    TableView run(String table, Optional<Long> version, Optional<Instant> timestamp) {
        Snapshot latest = latest(table);
        Snapshot s = latest;
        if (version.isPresent() && version.get() != latest.getVersion()) {
            if (version.get() < 0 || version.get() > latest.getVersion()) {
                throw new SluiceException(Stage.MANIFEST, "--version " + version.get() + ": table " + table + " in "
                        + delta.store.describe(table) + " has versions up to " + latest.getVersion());
            }
            try {
                s = TableManager.loadSnapshot(delta.tablePath(table)).atVersion(version.get()).build(delta.engine);
            } catch (RuntimeException e) {
                throw new SluiceException(Stage.QUERY, "table " + table + " in " + delta.store.describe(table)
                        + ": cannot read version " + version.get() + ": " + DeltaTables.describe(e)
                        + " (the log may no longer hold it: old log entries are cleaned up after delta.logRetentionDuration)");
            }
        } else if (timestamp.isPresent() && timestamp.get().toEpochMilli() < latest.getTimestamp(delta.engine)) {
            try {
                s = TableManager.loadSnapshot(delta.tablePath(table)).atTimestamp(timestamp.get().toEpochMilli(), latest)
                        .build(delta.engine);
            } catch (RuntimeException e) {
                throw new SluiceException(Stage.MANIFEST, "--timestamp " + timestamp.get() + ": table " + table + " in "
                        + delta.store.describe(table) + " has no version that old the log still holds ("
                        + DeltaTables.describe(e) + ")");
            }
        }
        long rows = 0;
        boolean known = true;
        long bytes = 0;
        List<LiveFile> files = LiveFiles.of(delta, table, s);
        for (LiveFile f : files) {
            bytes += f.size();
            known &= f.rows().isPresent();
            rows += f.rows().orElse(0L);
        }
        List<ColumnView> columns = new ArrayList<>();
        for (StructField f : s.getSchema().fields()) {
            columns.add(new ColumnView(f.getName(), typeName(f.getDataType()), f.isNullable()));
        }
        return new TableView(table, delta.store.describe(table), s.getVersion(), Instant.ofEpochMilli(s.getTimestamp(delta.engine)),
                known ? Optional.of(rows) : Optional.empty(), files.size(), bytes, columns, s.getPartitionColumnNames());
    }

    private Snapshot latest(String table) {
        try {
            return TableManager.loadSnapshot(delta.tablePath(table)).build(delta.engine);
        } catch (TableNotFoundException e) {
            throw new SluiceException(Stage.QUERY, "no Delta table " + table + " in " + delta.store.describe(table));
        } catch (RuntimeException e) {
            throw new SluiceException(Stage.QUERY, "cannot read Delta table " + table + " in " + delta.store.describe(table)
                    + ": " + DeltaTables.describe(e), e);
        }
    }

    /** A Delta type by its logical names: LONG, DECIMAL(10,2), ARRAY<STRING>, STRUCT<x: DOUBLE, label: STRING>. */
    static String typeName(DataType t) {
        if (t instanceof StructType s) {
            List<String> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(f.getName() + ": " + typeName(f.getDataType())));
            return "STRUCT<" + String.join(", ", fields) + ">";
        }
        if (t instanceof ArrayType a) {
            return "ARRAY<" + typeName(a.getElementType()) + ">";
        }
        if (t instanceof MapType m) {
            return "MAP<" + typeName(m.getKeyType()) + ", " + typeName(m.getValueType()) + ">";
        }
        return t.toString().toUpperCase(Locale.ROOT);
    }
}
