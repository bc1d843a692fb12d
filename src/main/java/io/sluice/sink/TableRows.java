package io.sluice.sink;

import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.TableBatch;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a sink receives for one table: immutable rows with exactly the table's columns, in the table's order (as
 * schema evolution leaves them), each column's values normalized to its type and stored column by column
 * ({@link ColumnValues}). Made from the run loop's {@link TableBatch} once evolution is done; the builder, with its
 * inference caches, stays behind.
 */
public final class TableRows {
    private final String table;
    private final List<Column> columns;
    private final ColumnValues[] values;
    private final int size;

    private TableRows(String table, List<Column> columns, ColumnValues[] values, int size) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.values = values;
        this.size = size;
    }

    /**
     * The rows of {@code batch} laid out as {@code tableColumns}: a batch column lands in the table column of the same
     * name (ignoring case), a table column the batch lacks is all null. Every batch column must have a table column
     * whose type holds its values (evolution made sure of it).
     */
    public static TableRows of(TableBatch batch, List<Column> tableColumns) {
        Map<String, Integer> batchIndex = new HashMap<>();
        List<Column> batchColumns = batch.columns();
        for (int i = 0; i < batchColumns.size(); i++) {
            batchIndex.put(batchColumns.get(i).name().toLowerCase(Locale.ROOT), i);
        }
        int n = batch.size();
        ColumnValues[] out = new ColumnValues[tableColumns.size()];
        for (int c = 0; c < tableColumns.size(); c++) {
            Column col = tableColumns.get(c);
            int source = batchIndex.getOrDefault(col.name().toLowerCase(Locale.ROOT), -1);
            out[c] = column(col.type(), batch, source, n);
        }
        return new TableRows(batch.table(), tableColumns, out, n);
    }

    /** Rows given as value arrays indexed like {@code columns}, for tests and tools. */
    public static TableRows of(String table, List<Column> columns, List<Object[]> rows) {
        TableBatch b = new TableBatch(table);
        for (Column c : columns) {
            b.addColumn(c.name(), c.type());
        }
        for (int r = 0; r < rows.size(); r++) {
            b.rows().add(rows.get(r).clone());
        }
        return of(b, columns);
    }

    private static ColumnValues column(DataType type, TableBatch batch, int source, int n) {
        BitSet nulls = new BitSet();
        if (type instanceof Scalar s) {
            switch (s) {
                case BOOLEAN -> {
                    boolean[] a = new boolean[n];
                    for (int r = 0; r < n; r++) {
                        Object v = value(batch, r, source);
                        if (v == null) {
                            nulls.set(r);
                        } else {
                            a[r] = (Boolean) v;
                        }
                    }
                    return new ColumnValues(type, n, nulls, null, null, null, null, a, null);
                }
                case INTEGER, DATE -> {
                    int[] a = new int[n];
                    for (int r = 0; r < n; r++) {
                        Object v = value(batch, r, source);
                        if (v == null) {
                            nulls.set(r);
                        } else {
                            a[r] = s == Scalar.DATE ? (int) ((java.time.LocalDate) v).toEpochDay() : ((Number) v).intValue();
                        }
                    }
                    return new ColumnValues(type, n, nulls, null, a, null, null, null, null);
                }
                case BIGINT, TIMESTAMP, TIME -> {
                    long[] a = new long[n];
                    for (int r = 0; r < n; r++) {
                        Object v = value(batch, r, source);
                        if (v == null) {
                            nulls.set(r);
                        } else if (s == Scalar.BIGINT) {
                            a[r] = ((Number) v).longValue();
                        } else if (s == Scalar.TIMESTAMP) {
                            a[r] = Values.micros(v);
                        } else {
                            a[r] = ((java.time.LocalTime) v).toNanoOfDay() / 1000;
                        }
                    }
                    return new ColumnValues(type, n, nulls, a, null, null, null, null, null);
                }
                case DOUBLE -> {
                    double[] a = new double[n];
                    for (int r = 0; r < n; r++) {
                        Object v = value(batch, r, source);
                        if (v == null) {
                            nulls.set(r);
                        } else {
                            a[r] = ((Number) v).doubleValue();
                        }
                    }
                    return new ColumnValues(type, n, nulls, null, null, a, null, null, null);
                }
                case FLOAT -> {
                    float[] a = new float[n];
                    for (int r = 0; r < n; r++) {
                        Object v = value(batch, r, source);
                        if (v == null) {
                            nulls.set(r);
                        } else {
                            a[r] = ((Number) v).floatValue();
                        }
                    }
                    return new ColumnValues(type, n, nulls, null, null, null, a, null, null);
                }
                default -> { }
            }
        }
        Object[] a = new Object[n];
        for (int r = 0; r < n; r++) {
            a[r] = Values.normalize(type, value(batch, r, source));
        }
        return new ColumnValues(type, n, null, null, null, null, null, null, a);
    }

    private static Object value(TableBatch batch, int r, int c) {
        return c < 0 ? null : batch.value(r, c);
    }

    public String table() {
        return table;
    }

    /** The table's columns, as the sink holds them once this batch is written. */
    public List<Column> columns() {
        return columns;
    }

    public ColumnValues column(int c) {
        return values[c];
    }

    public int size() {
        return size;
    }

    /** Row {@code r} as objects indexed like {@link #columns()} (see {@link ColumnValues#get}); for tests and tools. */
    public Object[] row(int r) {
        Object[] out = new Object[values.length];
        for (int c = 0; c < values.length; c++) {
            out[c] = values[c].get(r);
        }
        return out;
    }

    /** Every row, see {@link #row}. */
    public List<Object[]> rows() {
        List<Object[]> out = new ArrayList<>(size);
        for (int r = 0; r < size; r++) {
            out.add(row(r));
        }
        return out;
    }
}
