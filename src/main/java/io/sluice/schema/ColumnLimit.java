package io.sluice.schema;

import io.sluice.manifest.EvolutionPolicy;
import io.sluice.manifest.EvolutionPolicy.NewColumn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a table within {@code schema.max_columns}. The batch's new columns are admitted in the order they first
 * appear while there is room; the columns past the limit are routed by {@code new_column} ({@code discard_value}
 * drops their values, {@code discard_row} their rows) or, when the policy would add them, by {@code on_error}
 * ({@code skip} leaves out the records that have a value for one of them, {@code fail} stops the batch).
 */
final class ColumnLimit {
    /**
     * What keeping to the limit did to the batch.
     *
     * @param rowsDiscarded   rows left out by {@code discard_row}
     * @param valuesDiscarded values dropped by {@code discard_value}
     * @param rowsSkipped     records left out by {@code on_error: skip}
     * @param warning         what was left out and why, or empty
     */
    record Result(long rowsDiscarded, long valuesDiscarded, long rowsSkipped, String warning) {
        static final Result NONE = new Result(0, 0, 0, "");
    }

    private ColumnLimit() {}

    static Result apply(EvolutionPolicy policy, boolean skipRecords, String tableName, Optional<List<Column>> table,
            TableBatch batch) {
        // an existing table only grows by new columns under evolve; freeze and discard add none
        if (table.isPresent() && policy.newColumn() != NewColumn.EVOLVE) {
            return Result.NONE;
        }
        Set<String> existing = new HashSet<>();
        table.ifPresent(cols -> cols.forEach(c -> existing.add(key(c.name()))));
        int room = policy.maxColumns() - existing.size();
        List<Column> cols = batch.columns();
        List<Integer> over = new ArrayList<>();
        int added = 0;
        for (int c = 0; c < cols.size(); c++) {
            if (existing.contains(key(cols.get(c).name()))) {
                continue;
            }
            added++;
            if (room > 0) {
                room--;
            } else {
                over.add(c);
            }
        }
        if (over.isEmpty()) {
            return Result.NONE;
        }
        Column first = cols.get(over.get(0));
        String firstIn = firstRecordWith(batch, over);
        String limit = "schema.max_columns (" + policy.maxColumns() + ")";
        long discardedRows = 0;
        long discardedValues = 0;
        long skipped = 0;
        String warning;
        switch (policy.newColumn()) {
            case DISCARD_VALUE -> {
                discardedValues = countValues(batch, over);
                warning = "table " + tableName + ": dropped " + discardedValues + " values of " + over.size()
                        + " new columns past " + limit + ", first " + first.name() + firstIn + " (schema.evolution.new_column: discard_value)";
            }
            case DISCARD_ROW -> {
                discardedRows = batch.removeRows(r -> hasValue(batch, r, over));
                warning = "table " + tableName + ": left out " + discardedRows + " rows with values for " + over.size()
                        + " new columns past " + limit + ", first " + first.name() + firstIn + " (schema.evolution.new_column: discard_row)";
            }
            default -> {
                if (!skipRecords) {
                    throw new SchemaChangeException("table " + tableName + " would have " + (existing.size() + added)
                            + " columns, more than " + limit + ": the batch brings " + added + " new columns, the first past"
                            + " the limit is " + first.name() + " " + first.type().describe() + firstIn
                            + ". Raise schema.max_columns (wide tables cost the sink memory), set schema.evolution.new_column:"
                            + " discard_value or discard_row, or source.options.on_error: skip to skip the records that bring"
                            + " columns past the limit");
                }
                skipped = batch.removeRows(r -> hasValue(batch, r, over));
                warning = "table " + tableName + ": skipped " + skipped + " records with values for " + over.size()
                        + " new columns past " + limit + ", first " + first.name() + firstIn + " (source.options.on_error: skip)";
            }
        }
        for (int i = over.size() - 1; i >= 0; i--) {
            batch.removeColumn(over.get(i));
        }
        if (discardedRows + skipped > 0 && batch.size() > 0) {
            batch.reinferTypes(); // the rows left out must not decide the types of the rows kept
        }
        return new Result(discardedRows, discardedValues, skipped, warning);
    }

    private static boolean hasValue(TableBatch batch, int r, List<Integer> columns) {
        for (int c : columns) {
            if (batch.value(r, c) != null) {
                return true;
            }
        }
        return false;
    }

    private static long countValues(TableBatch batch, List<Integer> columns) {
        long n = 0;
        for (int r = 0; r < batch.size(); r++) {
            for (int c : columns) {
                if (batch.value(r, c) != null) {
                    n++;
                }
            }
        }
        return n;
    }

    private static String firstRecordWith(TableBatch batch, List<Integer> columns) {
        int topic = batch.columnIndex("_kafka_topic");
        int partition = batch.columnIndex("_kafka_partition");
        int offset = batch.columnIndex("_kafka_offset");
        if (topic < 0 || partition < 0 || offset < 0) {
            return "";
        }
        for (int r = 0; r < batch.size(); r++) {
            if (hasValue(batch, r, columns)) {
                return " (first in record " + batch.value(r, topic) + "/" + batch.value(r, partition) + "@" + batch.value(r, offset) + ")";
            }
        }
        return "";
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
