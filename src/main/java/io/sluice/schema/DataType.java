package io.sluice.schema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice's column types. Values in rows are {@link Boolean}, {@link Integer}, {@link Long}, {@link Double},
 * {@link String}, {@link JsonText}, {@link Instant} or, for structs, a {@code Map<String, Object>}.
 * Types only ever widen ({@link #widen}), so data already written stays valid.
 */
public sealed interface DataType {

    enum Scalar implements DataType { BOOLEAN, INTEGER, BIGINT, DOUBLE, VARCHAR, JSON, TIMESTAMP }

    /** A nested record whose fields keep their first-seen order. */
    record Struct(List<Field> fields) implements DataType {
        public Struct {
            fields = List.copyOf(fields);
        }
    }

    record Field(String name, DataType type) {}

    /** The type a single non-null value infers to. */
    static DataType of(Object value) {
        if (value instanceof String) {
            return Scalar.VARCHAR;
        }
        if (value instanceof Long) {
            return Scalar.BIGINT;
        }
        if (value instanceof Double) {
            return Scalar.DOUBLE;
        }
        if (value instanceof Integer) {
            return Scalar.INTEGER;
        }
        if (value instanceof Boolean) {
            return Scalar.BOOLEAN;
        }
        if (value instanceof JsonText) {
            return Scalar.JSON;
        }
        if (value instanceof Instant) {
            return Scalar.TIMESTAMP;
        }
        if (value instanceof Map<?, ?> map) {
            List<Field> fields = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() != null) {
                    DataType t = of(e.getValue());
                    if (!isEmptyStruct(t)) {
                        fields.add(new Field((String) e.getKey(), t));
                    }
                }
            }
            return new Struct(fields);
        }
        throw new IllegalArgumentException("no column type for " + value.getClass().getName());
    }

    /**
     * The narrowest type that holds every value of both: integer, bigint, double widen in that order; structs
     * merge field by field; structs and JSON meet in JSON; anything else meets in VARCHAR.
     */
    static DataType widen(DataType a, DataType b) {
        if (a.equals(b)) {
            return a;
        }
        if (a == Scalar.VARCHAR || b == Scalar.VARCHAR) {
            return Scalar.VARCHAR;
        }
        if (a instanceof Struct sa && b instanceof Struct sb) {
            return merge(sa, sb);
        }
        if (nested(a) && nested(b)) {
            return Scalar.JSON;
        }
        if (numeric(a) && numeric(b)) {
            if (a == Scalar.DOUBLE || b == Scalar.DOUBLE) {
                return Scalar.DOUBLE;
            }
            return Scalar.BIGINT;
        }
        return Scalar.VARCHAR;
    }

    private static Struct merge(Struct a, Struct b) {
        Map<String, DataType> merged = new LinkedHashMap<>();
        for (Field f : a.fields()) {
            merged.put(f.name(), f.type());
        }
        for (Field f : b.fields()) {
            merged.merge(f.name(), f.type(), DataType::widen);
        }
        List<Field> fields = new ArrayList<>();
        merged.forEach((n, t) -> fields.add(new Field(n, t)));
        return new Struct(fields);
    }

    /** A struct without fields (from {@code {}}) has no SQL type; it is treated like null. */
    static boolean isEmptyStruct(DataType t) {
        return t instanceof Struct s && s.fields().isEmpty();
    }

    private static boolean nested(DataType t) {
        return t instanceof Struct || t == Scalar.JSON;
    }

    private static boolean numeric(DataType t) {
        return t == Scalar.INTEGER || t == Scalar.BIGINT || t == Scalar.DOUBLE;
    }
}
