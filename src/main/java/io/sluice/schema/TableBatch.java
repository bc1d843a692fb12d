package io.sluice.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * The rows of one batch bound for one table, with the columns they need. Columns appear as fields are first
 * seen (a field that is only ever null makes no column) and widen as values arrive. Column names match
 * case-insensitively, as in SQL: the first spelling seen is kept.
 */
public final class TableBatch {
    private final String table;
    private final List<Column> columns = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    /** Exact spellings seen so far, so the common case needs no lower-casing. */
    private final Map<String, Integer> exact = new HashMap<>();
    /**
     * The column of the name seen at each position of the previous row: rows from one decoder mostly repeat
     * the same names (the same instances) in the same order, so most lookups are one identity check.
     */
    private String[] lastNames = new String[0];
    private int[] lastColumns = new int[0];
    private final List<Object[]> rows = new ArrayList<>();
    /**
     * Per column, a value class already known to fit its type (never a struct's, whose fields can grow), so
     * the common case skips type inference.
     */
    private Class<?>[] fits = new Class<?>[16];
    /** Per column, the declared type instance last seen to fit it, so repeated schemas cost one identity check. */
    private DataType[] declaredAs = new DataType[16];
    /** Per column, whether a schema declared its type (else it was inferred from values). */
    private boolean[] declared = new boolean[16];
    /** Per column, the writer schema id that last created or widened it. */
    private int[] schemaIds = new int[16];
    private int currentSchemaId = -1;

    public TableBatch(String table) {
        this.table = table;
    }

    public String table() {
        return table;
    }

    /** Adds the row, growing and widening columns as its values need. */
    public void add(Row row) {
        currentSchemaId = row.schemaId();
        Object[] out = new Object[Math.max(columns.size(), row.size())];
        for (int i = 0; i < row.size(); i++) {
            Object v = row.value(i);
            DataType declared = row.type(i);
            if (declared != null) {
                // a declared column exists even while its values are null, as the schema says
                String name = row.name(i);
                int c;
                if (i < lastNames.length && lastNames[i] == name) {
                    c = declaredColumn(lastColumns[i], declared);
                } else {
                    c = columnFor(name, declared);
                    remember(i, name, c);
                }
                this.declared[c] = true;
                if (c >= out.length) {
                    out = java.util.Arrays.copyOf(out, columns.size());
                }
                out[c] = v;
                continue;
            }
            if (v == null || v instanceof Map<?, ?> && DataType.isEmptyStruct(DataType.of(v))) {
                continue;
            }
            String name = row.name(i);
            int c;
            if (i < lastNames.length && lastNames[i] == name) {
                c = typedColumn(lastColumns[i], v);
            } else {
                c = columnFor(name, DataType.of(v));
                c = typedColumn(c, v);
                remember(i, name, c);
            }
            if (c >= out.length) {
                out = java.util.Arrays.copyOf(out, columns.size());
            }
            out[c] = v;
        }
        rows.add(out);
    }

    private void remember(int position, String name, int column) {
        if (position >= lastNames.length) {
            lastNames = java.util.Arrays.copyOf(lastNames, Math.max(position + 1, lastNames.length * 2));
            lastColumns = java.util.Arrays.copyOf(lastColumns, lastNames.length);
        }
        lastNames[position] = name;
        lastColumns[position] = column;
    }

    /** The column of {@code name}, created with {@code type} if new; an existing column is widened to hold it. */
    private int columnFor(String name, DataType type) {
        Integer c = exact.get(name);
        if (c == null) {
            String key = name.toLowerCase(Locale.ROOT);
            c = index.get(key);
            if (c == null) {
                c = columns.size();
                columns.add(new Column(name, type));
                grow(c);
                declaredAs[c] = type;
                schemaIds[c] = currentSchemaId;
                index.put(key, c);
                exact.put(name, c);
                return c;
            }
            exact.put(name, c);
        }
        return declaredColumn(c, type);
    }

    /** Widens column {@code c} to hold values of {@code type} when it does not yet; returns {@code c}. */
    private int declaredColumn(int c, DataType type) {
        if (declaredAs[c] == type) {
            return c;
        }
        Column col = columns.get(c);
        DataType w = DataType.widen(col.type(), type);
        if (!w.equals(col.type())) {
            columns.set(c, new Column(col.name(), w));
            schemaIds[c] = currentSchemaId;
        }
        declaredAs[c] = type;
        return c;
    }

    /** Widens column {@code c} when {@code value} does not fit its type; returns {@code c}. */
    private int typedColumn(int c, Object value) {
        Class<?> cls = value.getClass();
        if (c < fits.length && fits[c] == cls) {
            return c;
        }
        Column col = columns.get(c);
        DataType t = col.type();
        if (t == DataType.Scalar.VARCHAR || t == DataType.Scalar.JSON && value instanceof JsonText) {
            return c;
        }
        DataType v = DataType.of(value);
        if (!v.equals(t)) {
            DataType w = DataType.widen(t, v);
            if (!w.equals(t)) {
                columns.set(c, new Column(col.name(), w));
            }
        }
        // the class alone decides the type, except for nested values and decimals (precision and scale vary)
        if (!(value instanceof Map<?, ?>) && !(value instanceof List<?>) && !(value instanceof MapValue)
                && !(value instanceof java.math.BigDecimal)) {
            grow(c);
            fits[c] = cls;
        }
        return c;
    }

    private void grow(int c) {
        if (c >= declaredAs.length) {
            int n = Math.max(c + 1, declaredAs.length * 2);
            declaredAs = java.util.Arrays.copyOf(declaredAs, n);
            declared = java.util.Arrays.copyOf(declared, n);
            schemaIds = java.util.Arrays.copyOf(schemaIds, n);
            fits = java.util.Arrays.copyOf(fits, n);
        }
    }

    public List<Column> columns() {
        return List.copyOf(columns);
    }

    /** The registry id of the writer schema that last created or widened column {@code c}, or -1. */
    public int schemaId(int c) {
        return schemaIds[c];
    }

    /** The index of the column named {@code name} (case-insensitively), or -1. */
    public int columnIndex(String name) {
        Integer c = index.get(name.toLowerCase(Locale.ROOT));
        return c == null ? -1 : c;
    }

    /** The value of column {@code c} in row {@code r}, null also where the row ends before the column. */
    public Object value(int r, int c) {
        Object[] row = rows.get(r);
        return c < row.length ? row[c] : null;
    }

    /**
     * Sets a value, for schema evolution moving values between columns; the caller keeps the column's type
     * right (see {@link #retype}).
     */
    public void set(int r, int c, Object v) {
        Object[] row = rows.get(r);
        if (c >= row.length) {
            row = java.util.Arrays.copyOf(row, columns.size());
            rows.set(r, row);
        }
        row[c] = v;
    }

    /** Gives column {@code c} another type, for schema evolution; the values must fit it. */
    public void retype(int c, DataType type) {
        columns.set(c, new Column(columns.get(c).name(), type));
        declaredAs[c] = null;
        fits[c] = null;
    }

    /** Adds an empty column (or returns the existing one of that name) and returns its index. */
    public int addColumn(String name, DataType type) {
        int c = columnIndex(name);
        if (c >= 0) {
            return c;
        }
        c = columns.size();
        columns.add(new Column(name, type));
        grow(c);
        index.put(name.toLowerCase(Locale.ROOT), c);
        exact.put(name, c);
        schemaIds[c] = -1;
        return c;
    }

    /** Removes column {@code c} and its values; later columns move down by one. */
    public void removeColumn(int c) {
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            if (c < row.length) {
                Object[] out = new Object[row.length - 1];
                System.arraycopy(row, 0, out, 0, c);
                System.arraycopy(row, c + 1, out, c, row.length - c - 1);
                rows.set(r, out);
            }
        }
        columns.remove(c);
        int n = columns.size();
        System.arraycopy(declaredAs, c + 1, declaredAs, c, declaredAs.length - c - 1);
        System.arraycopy(declared, c + 1, declared, c, declared.length - c - 1);
        System.arraycopy(schemaIds, c + 1, schemaIds, c, schemaIds.length - c - 1);
        System.arraycopy(fits, c + 1, fits, c, fits.length - c - 1);
        index.clear();
        exact.clear();
        for (int i = 0; i < n; i++) {
            index.put(columns.get(i).name().toLowerCase(Locale.ROOT), i);
            exact.put(columns.get(i).name(), i);
        }
        lastNames = new String[0];
        lastColumns = new int[0];
    }

    /**
     * Infers the types of the columns no schema declared again from the rows left (after {@link #removeRows}); a
     * column left without values keeps its type.
     */
    public void reinferTypes() {
        for (int c = 0; c < columns.size(); c++) {
            if (declared[c]) {
                continue;
            }
            DataType t = null;
            for (int r = 0; r < rows.size(); r++) {
                Object v = value(r, c);
                if (v != null) {
                    t = t == null ? DataType.of(v) : DataType.widen(t, DataType.of(v));
                }
            }
            if (t != null && !t.equals(columns.get(c).type())) {
                retype(c, t);
            }
        }
    }

    /** Removes the rows {@code drop} accepts; returns how many. */
    public int removeRows(java.util.function.IntPredicate drop) {
        List<Object[]> kept = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            if (!drop.test(r)) {
                kept.add(rows.get(r));
            }
        }
        int removed = rows.size() - kept.size();
        rows.clear();
        rows.addAll(kept);
        return removed;
    }

    /** Rows as value arrays indexed like {@link #columns()}; an array may be shorter than the column list. */
    public List<Object[]> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }
}
