package io.sluice.schema;

import java.util.Arrays;

/**
 * One decoded record as ordered (column name, value) pairs. Decoders fill it; the run loop reuses one
 * instance per record, so a decoder must not keep a reference to it.
 */
public final class Row {
    private String[] names = new String[32];
    private Object[] values = new Object[32];
    private int size;

    public void put(String name, Object value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        return names[i];
    }

    public Object value(int i) {
        return values[i];
    }

    public void clear() {
        Arrays.fill(values, 0, size, null);
        size = 0;
    }
}
