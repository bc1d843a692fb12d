package io.sluice.schema;

import io.sluice.manifest.EvolutionPolicy;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a pipeline's {@link EvolutionPolicy} to one batch before it is written: compares the batch's columns
 * with the table's, changes the batch as the policy says (dropping rows or values, moving values that do not
 * fit into variant columns) and lists the table changes the sink must make. Forbidden changes throw a
 * {@link SchemaChangeException} with a diff, and nothing of the batch is written.
 */
public final class Evolution {
    /** Variant columns hold the values of a breaking change: {@code __sluice_nc__<column>}. */
    public static final String VARIANT_PREFIX = "__sluice_nc__";

    /**
     * What applying the policy did.
     *
     * @param changes         the table changes, in the order the sink applies them
     * @param tableAfter      the table's columns once they are applied
     * @param rowsDiscarded   rows left out ({@code new_column: discard_row})
     * @param valuesDiscarded values dropped ({@code new_column: discard_value})
     * @param valuesToVariant values moved into variant columns
     * @param rowsSkipped     records left out because their fields would take the table past {@code schema.max_columns}
     *                        ({@code on_error: skip})
     * @param limitWarning    what keeping to {@code schema.max_columns} left out, or empty
     */
    public record Outcome(List<SchemaChange> changes, List<Column> tableAfter, long rowsDiscarded, long valuesDiscarded,
            long valuesToVariant, long rowsSkipped, String limitWarning) {}

    private Evolution() {}

    /** {@link #apply(EvolutionPolicy, boolean, String, Optional, TableBatch)} with {@code on_error: fail}. */
    public static Outcome apply(EvolutionPolicy policy, String tableName, Optional<List<Column>> table, TableBatch batch) {
        return apply(policy, false, tableName, table, batch);
    }

    /**
     * @param skipRecords whether {@code on_error} is {@code skip}: then records whose fields would take the table past
     *                    {@code schema.max_columns} are left out and counted instead of failing the batch
     * @param table       the table's columns, or empty when it does not exist yet (then the batch creates it, whatever
     *                    the policy, with at most {@code max_columns} columns)
     */
    public static Outcome apply(EvolutionPolicy policy, boolean skipRecords, String tableName, Optional<List<Column>> table,
            TableBatch batch) {
        return apply(policy, skipRecords, tableName, table, batch, TypeSupport.ALL);
    }

    /**
     * @param types what the target stores: batch columns of a type it does not hold become the type it holds instead,
     *              and a widening it cannot apply is a breaking change
     */
    public static Outcome apply(EvolutionPolicy policy, boolean skipRecords, String tableName, Optional<List<Column>> table,
            TableBatch batch, TypeSupport types) {
        List<Column> cols = batch.columns();
        for (int c = 0; c < cols.size(); c++) {
            DataType stored = types.stored(cols.get(c).type());
            if (!stored.equals(cols.get(c).type())) {
                batch.retype(c, stored);
            }
        }
        ColumnLimit.Result limited = ColumnLimit.apply(policy, skipRecords, tableName, table, batch);
        Outcome o = evolve(policy, tableName, table, batch, types);
        int before = table.map(List::size).orElse(0);
        if (o.tableAfter().size() > policy.maxColumns() && o.tableAfter().size() > before) {
            // only variant columns get here: the new columns were kept within the limit above
            throw new SchemaChangeException("table " + tableName + " would have " + o.tableAfter().size() + " columns, more than"
                    + " schema.max_columns (" + policy.maxColumns() + "), with the variant columns of breaking changes;"
                    + " raise schema.max_columns or set schema.evolution.breaking_change: fail" + diff(table.orElse(List.of()), batch.columns()));
        }
        return new Outcome(o.changes(), o.tableAfter(), o.rowsDiscarded() + limited.rowsDiscarded(),
                o.valuesDiscarded() + limited.valuesDiscarded(), o.valuesToVariant(), limited.rowsSkipped(), limited.warning());
    }

    private static Outcome evolve(EvolutionPolicy policy, String tableName, Optional<List<Column>> table, TableBatch batch,
            TypeSupport types) {
        if (batch.size() == 0) {
            return new Outcome(List.of(), table.orElse(List.of()), 0, 0, 0, 0, "");
        }
        if (table.isEmpty()) {
            List<Column> cols = batch.columns();
            String list = String.join(", ", cols.stream().map(c -> c.name() + " " + c.type().describe()).toList());
            int id = cols.isEmpty() ? -1 : batch.schemaId(0);
            return new Outcome(List.of(new SchemaChange(SchemaChange.Kind.CREATE_TABLE, Optional.empty(), Optional.empty(), list, id)),
                    cols, 0, 0, 0, 0, "");
        }
        Map<String, Column> existing = new LinkedHashMap<>();
        for (Column c : table.get()) {
            existing.put(key(c.name()), c);
        }
        List<SchemaChange> changes = new ArrayList<>();
        List<String> breaking = new ArrayList<>();
        long rowsDiscarded = 0;
        long valuesDiscarded = 0;
        long toVariant = 0;
        List<Column> batchColumns = batch.columns();
        // new columns first: discarding removes batch columns, so walk from the end
        for (int c = batchColumns.size() - 1; c >= 0; c--) {
            Column col = batchColumns.get(c);
            if (existing.containsKey(key(col.name())) || col.name().startsWith(VARIANT_PREFIX)) {
                continue;
            }
            int column = c;
            switch (policy.newColumn()) {
                case EVOLVE -> { }
                case FREEZE -> throw new SchemaChangeException("table " + tableName + " has no column " + col.name() + " "
                        + col.type().describe() + ", and schema.evolution.new_column is freeze" + firstRecord(batch, r -> batch.value(r, column) != null)
                        + diff(table.get(), batchColumns));
                case DISCARD_VALUE -> {
                    for (int r = 0; r < batch.size(); r++) {
                        if (batch.value(r, c) != null) {
                            valuesDiscarded++;
                        }
                    }
                    batch.removeColumn(c);
                }
                case DISCARD_ROW -> {
                    rowsDiscarded += batch.removeRows(r -> batch.value(r, column) != null);
                    batch.removeColumn(c);
                }
            }
        }
        if (rowsDiscarded > 0) {
            if (batch.size() == 0) {
                return new Outcome(List.of(), table.get(), rowsDiscarded, valuesDiscarded, 0, 0, "");
            }
            batch.reinferTypes(); // the rows left out must not decide the types of the rows kept
        }
        batchColumns = batch.columns();
        Map<String, DataType> after = new LinkedHashMap<>();
        table.get().forEach(c -> after.put(c.name(), c.type()));
        for (int c = 0; c < batchColumns.size(); c++) {
            Column col = batchColumns.get(c);
            Column had = existing.get(key(col.name()));
            if (had == null) {
                changes.add(new SchemaChange(SchemaChange.Kind.ADD_COLUMN, Optional.of(col.name()), Optional.empty(),
                        col.type().describe(), batch.schemaId(c)));
                after.put(col.name(), col.type());
                continue;
            }
            DataType wide = DataType.widen(had.type(), col.type());
            if (wide.equals(had.type())) {
                continue;
            }
            if (had.name().startsWith(VARIANT_PREFIX)) {
                // variant columns take whatever their values need
                changes.add(new SchemaChange(SchemaChange.Kind.WIDEN_TYPE, Optional.of(had.name()), Optional.of(had.type().describe()),
                        wide.describe(), batch.schemaId(c)));
                after.put(had.name(), wide);
                continue;
            }
            if (widensSafely(had.type(), wide) && types.canWiden(had.type(), wide)) {
                if (policy.widening() == EvolutionPolicy.Widening.FREEZE) {
                    int column = c;
                    throw new SchemaChangeException("column " + had.name() + " of table " + tableName + " would widen from "
                            + had.type().describe() + " to " + wide.describe() + ", and schema.evolution.type_widening is freeze"
                            + firstRecord(batch, r -> !fits(had.type(), batch.value(r, column))) + diff(table.get(), batchColumns));
                }
                changes.add(new SchemaChange(SchemaChange.Kind.WIDEN_TYPE, Optional.of(had.name()), Optional.of(had.type().describe()),
                        wide.describe(), batch.schemaId(c)));
                after.put(had.name(), wide);
                continue;
            }
            int column = c;
            List<Integer> rowsToMove = new ArrayList<>();
            for (int r = 0; r < batch.size(); r++) {
                if (!fits(had.type(), batch.value(r, column))) {
                    rowsToMove.add(r);
                }
            }
            if (rowsToMove.isEmpty()) {
                // the batch's type is wider (a schema says so, or a value was empty) but every value fits the table
                batch.retype(c, had.type());
                continue;
            }
            if (policy.breaking() == EvolutionPolicy.Breaking.FAIL) {
                breaking.add("column " + had.name() + ": the table has " + had.type().describe() + ", the batch has "
                        + col.type().describe() + firstRecord(batch, r -> r == rowsToMove.get(0)));
                continue;
            }
            // VARIANT: values that fit stay; the others move to the variant column
            String variantName = VARIANT_PREFIX + had.name();
            DataType moved = null;
            for (int r : rowsToMove) {
                DataType t = DataType.of(batch.value(r, c));
                moved = moved == null ? t : DataType.widen(moved, t);
            }
            int target = batch.addColumn(variantName, moved);
            if (!batch.columns().get(target).type().equals(moved)) {
                batch.retype(target, DataType.widen(batch.columns().get(target).type(), moved));
            }
            for (int r : rowsToMove) {
                batch.set(r, target, batch.value(r, c));
                batch.set(r, c, null);
            }
            batch.retype(c, had.type());
            toVariant += rowsToMove.size();
            changes.add(new SchemaChange(SchemaChange.Kind.VARIANT_COLUMN, Optional.of(had.name()), Optional.of(had.type().describe()),
                    col.type().describe(), batch.schemaId(c)));
        }
        if (!breaking.isEmpty()) {
            throw new SchemaChangeException("breaking schema change in table " + tableName
                    + " (schema.evolution.breaking_change is fail; set it to variant to keep such values in " + VARIANT_PREFIX
                    + "<column> columns):\n  " + String.join("\n  ", breaking) + diff(table.get(), batchColumns));
        }
        // the variant columns filled above are table changes too
        List<Column> finalColumns = batch.columns();
        for (int c = 0; c < finalColumns.size(); c++) {
            Column col = finalColumns.get(c);
            if (!col.name().startsWith(VARIANT_PREFIX) || !changedToVariant(changes, col.name())) {
                continue;
            }
            Column had = existing.get(key(col.name()));
            if (had == null) {
                changes.add(new SchemaChange(SchemaChange.Kind.ADD_COLUMN, Optional.of(col.name()), Optional.empty(),
                        col.type().describe(), batch.schemaId(c)));
                after.put(col.name(), col.type());
            } else if (!DataType.widen(had.type(), col.type()).equals(had.type())) {
                DataType wide = DataType.widen(had.type(), col.type());
                changes.add(new SchemaChange(SchemaChange.Kind.WIDEN_TYPE, Optional.of(had.name()), Optional.of(had.type().describe()),
                        wide.describe(), batch.schemaId(c)));
                after.put(had.name(), wide);
            }
        }
        List<Column> tableAfter = new ArrayList<>();
        after.forEach((n, t) -> tableAfter.add(new Column(n, t)));
        return new Outcome(changes, tableAfter, rowsDiscarded, valuesDiscarded, toVariant, 0, "");
    }

    /**
     * Whether a column of type {@code from} can become {@code to} keeping every stored value as it is: integer
     * to bigint, float or integer to double, integer and decimal to a decimal with room for them, date to
     * timestamp, structs, lists and maps whose parts do so (structs may gain fields). Bigint to double is not:
     * a double cannot hold every 64-bit integer.
     */
    public static boolean widensSafely(DataType from, DataType to) {
        if (from.equals(to)) {
            return true;
        }
        if (from instanceof Struct a && to instanceof Struct b) {
            Map<String, DataType> fields = new LinkedHashMap<>();
            b.fields().forEach(f -> fields.put(f.name().toLowerCase(java.util.Locale.ROOT), f.type()));
            for (DataType.Field f : a.fields()) {
                DataType t = fields.get(f.name().toLowerCase(java.util.Locale.ROOT));
                if (t == null || !widensSafely(f.type(), t)) {
                    return false;
                }
            }
            return true;
        }
        if (from instanceof ListOf a && to instanceof ListOf b) {
            return widensSafely(a.element(), b.element());
        }
        if (from instanceof MapOf a && to instanceof MapOf b) {
            return a.key().equals(b.key()) && widensSafely(a.value(), b.value());
        }
        if (to instanceof Decimal d) {
            if (from instanceof Decimal f) {
                return d.scale() >= f.scale() && d.precision() - d.scale() >= f.precision() - f.scale();
            }
            return from == Scalar.INTEGER && d.precision() - d.scale() >= 10 || from == Scalar.BIGINT && d.precision() - d.scale() >= 19;
        }
        return switch (from instanceof Scalar s ? s : Scalar.VARCHAR) {
            case INTEGER -> to == Scalar.BIGINT || to == Scalar.DOUBLE;
            case FLOAT -> to == Scalar.DOUBLE;
            case DATE -> to == Scalar.TIMESTAMP;
            default -> false;
        };
    }

    private static boolean changedToVariant(List<SchemaChange> changes, String variant) {
        for (SchemaChange ch : changes) {
            if (ch.kind() == SchemaChange.Kind.VARIANT_COLUMN && (VARIANT_PREFIX + ch.column().orElse("")).equalsIgnoreCase(variant)) {
                return true;
            }
        }
        return false;
    }

    private static boolean fits(DataType column, Object v) {
        if (v == null) {
            return true;
        }
        // an empty list or map says nothing about its element type
        if (v instanceof List<?> l && l.stream().allMatch(java.util.Objects::isNull)) {
            return column instanceof ListOf;
        }
        if (v instanceof MapValue m && m.entries().isEmpty()) {
            return column instanceof MapOf;
        }
        return DataType.widen(column, DataType.of(v)).equals(column);
    }

    private static String firstRecord(TableBatch batch, java.util.function.IntPredicate matches) {
        int topic = batch.columnIndex("_kafka_topic");
        int partition = batch.columnIndex("_kafka_partition");
        int offset = batch.columnIndex("_kafka_offset");
        for (int r = 0; r < batch.size(); r++) {
            if (matches.test(r)) {
                if (topic < 0 || partition < 0 || offset < 0) {
                    return "";
                }
                return " (first in record " + batch.value(r, topic) + "/" + batch.value(r, partition) + "@" + batch.value(r, offset) + ")";
            }
        }
        return "";
    }

    private static String diff(List<Column> table, List<Column> batch) {
        return "\n  table columns: " + describe(table) + "\n  batch columns: " + describe(batch);
    }

    private static String describe(List<Column> cols) {
        return String.join(", ", cols.stream().filter(c -> !c.name().startsWith("_kafka_"))
                .map(c -> c.name() + " " + c.type().describe()).toList());
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
