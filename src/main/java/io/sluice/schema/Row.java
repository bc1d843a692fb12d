package io.sluice.schema;

import java.util.Arrays;

/**
 * One decoded record as ordered (column name, value) pairs, each with the type its schema declares (or none,
 * when the format is schemaless and the type is inferred from the value). Decoders fill it; the run loop
 * reuses one instance per record, so a decoder must not keep a reference to it.
 */
public final class Row {
    private String[] names = new String[32];
    private Object[] values = new Object[32];
    private DataType[] types = new DataType[32];
    private int size;
    private int schemaId = -1;

    /** The registry id of the writer schema this row was decoded with, or -1. */
    public int schemaId() {
        return schemaId;
    }

    public void schemaId(int id) {
        schemaId = id;
    }

    /** A field whose type is inferred from its value. */
    public void put(String name, Object value) {
        put(name, value, null);
    }

    /** A field of a declared type; the value must be of that type's value class (see {@link DataType}). */
    public void put(String name, Object value, DataType type) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
            types = Arrays.copyOf(types, size * 2);
        }
        names[size] = name;
        values[size] = value;
        types[size] = type;
        size++;
    }

    /** The declared type of field {@code i}, or null when it is inferred from the value. */
    public DataType type(int i) {
        return types[i];
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        return names[i];
    }

    /** Gives field {@code i} another name (the column name rule of {@link ColumnNames}). */
    public void rename(int i, String name) {
        names[i] = name;
    }

    public Object value(int i) {
        return values[i];
    }

    public void clear() {
        Arrays.fill(values, 0, size, null);
        Arrays.fill(types, 0, size, null);
        schemaId = -1;
        size = 0;
    }
}
