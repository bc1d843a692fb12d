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

    public TableBatch(String table) {
        this.table = table;
    }

    public String table() {
        return table;
    }

    /** Adds the row, growing and widening columns as its values need. */
    public void add(Row row) {
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
                declaredAs = java.util.Arrays.copyOf(declaredAs, Math.max(declaredAs.length, c + 1));
                declaredAs[c] = type;
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
        if (!(value instanceof Map<?, ?>)) {
            if (c >= fits.length) {
                fits = java.util.Arrays.copyOf(fits, Math.max(c + 1, fits.length * 2));
            }
            fits[c] = cls;
        }
        return c;
    }

    public List<Column> columns() {
        return List.copyOf(columns);
    }

    /** Rows as value arrays indexed like {@link #columns()}; an array may be shorter than the column list. */
    public List<Object[]> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }
}
