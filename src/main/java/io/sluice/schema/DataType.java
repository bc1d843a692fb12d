package io.sluice.schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.UUID;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice's column types. Values in rows are {@link Boolean}, {@link Integer}, {@link Long}, {@link Float},
 * {@link Double}, {@link String}, {@link JsonText}, {@link Instant} (TIMESTAMP, UTC), {@link LocalDate},
 * {@link LocalTime}, {@link UUID}, {@code byte[]} (BLOB), {@link BigDecimal} (DECIMAL), a {@code List} (LIST),
 * a {@link MapValue} (MAP) or, for structs, a {@code Map<String, Object>} by field name.
 * Schemaless formats infer types from values ({@link #of}); schema formats declare them. Types only ever
 * widen ({@link #widen}), so data already written stays valid.
 */
public sealed interface DataType {

    /** The type as SQL spells it, for messages: {@code DECIMAL(10, 2)}, {@code VARCHAR[]}, {@code STRUCT(a INTEGER)}. */
    default String describe() {
        if (this instanceof Decimal d) {
            return "DECIMAL(" + d.precision() + ", " + d.scale() + ")";
        }
        if (this instanceof ListOf l) {
            return l.element().describe() + "[]";
        }
        if (this instanceof MapOf m) {
            return "MAP(" + m.key().describe() + ", " + m.value().describe() + ")";
        }
        if (this instanceof Struct s) {
            StringBuilder b = new StringBuilder("STRUCT(");
            for (int i = 0; i < s.fields().size(); i++) {
                b.append(i > 0 ? ", " : "").append(s.fields().get(i).name()).append(' ').append(s.fields().get(i).type().describe());
            }
            return b.append(')').toString();
        }
        return ((Scalar) this).name();
    }

    enum Scalar implements DataType { BOOLEAN, INTEGER, BIGINT, FLOAT, DOUBLE, VARCHAR, JSON, TIMESTAMP, DATE, TIME, UUID, BLOB }

    /** A fixed-point number: {@code precision} digits in all, {@code scale} of them after the point (at most 38). */
    record Decimal(int precision, int scale) implements DataType {
        public static final int MAX_PRECISION = 38;

        public Decimal {
            if (precision < 1 || precision > MAX_PRECISION || scale < 0 || scale > precision) {
                throw new IllegalArgumentException("DECIMAL(" + precision + ", " + scale + ") is not a valid decimal type"
                        + " (precision 1.." + MAX_PRECISION + ", scale 0..precision)");
            }
        }
    }

    /** An array whose elements all have one type. */
    record ListOf(DataType element) implements DataType {}

    /** A map; values in rows are {@link MapValue}. */
    record MapOf(DataType key, DataType value) implements DataType {}

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
        if (value instanceof Float) {
            return Scalar.FLOAT;
        }
        if (value instanceof LocalDate) {
            return Scalar.DATE;
        }
        if (value instanceof LocalTime) {
            return Scalar.TIME;
        }
        if (value instanceof UUID) {
            return Scalar.UUID;
        }
        if (value instanceof byte[]) {
            return Scalar.BLOB;
        }
        if (value instanceof BigDecimal d) {
            int scale = Math.max(0, d.scale());
            int precision = Math.max(d.precision() - d.scale() + scale, scale);
            return precision > Decimal.MAX_PRECISION ? Scalar.DOUBLE : new Decimal(Math.max(1, precision), scale);
        }
        if (value instanceof MapValue m) {
            DataType key = null;
            DataType val = null;
            for (Map.Entry<?, ?> e : m.entries().entrySet()) {
                DataType k = of(e.getKey());
                key = key == null ? k : widen(key, k);
                if (e.getValue() != null) {
                    DataType v = of(e.getValue());
                    val = val == null ? v : widen(val, v);
                }
            }
            return new MapOf(key == null ? Scalar.VARCHAR : key, val == null ? Scalar.VARCHAR : val);
        }
        if (value instanceof List<?> list) {
            DataType element = null;
            for (Object o : list) {
                if (o != null) {
                    DataType t = of(o);
                    element = element == null ? t : widen(element, t);
                }
            }
            return new ListOf(element == null ? Scalar.VARCHAR : element);
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
        if (a instanceof ListOf la && b instanceof ListOf lb) {
            return new ListOf(widen(la.element(), lb.element()));
        }
        if (a instanceof MapOf ma && b instanceof MapOf mb && ma.key().equals(mb.key())) {
            return new MapOf(ma.key(), widen(ma.value(), mb.value()));
        }
        if (nested(a) && nested(b)) {
            return Scalar.JSON;
        }
        DataType numeric = widenNumeric(a, b);
        if (numeric != null) {
            return numeric;
        }
        if (a == Scalar.DATE && b == Scalar.TIMESTAMP || a == Scalar.TIMESTAMP && b == Scalar.DATE) {
            return Scalar.TIMESTAMP;
        }
        return Scalar.VARCHAR;
    }

    /** Integer, bigint, float, double and decimals in their widening order; null when either is not a number. */
    private static DataType widenNumeric(DataType a, DataType b) {
        if (!numeric(a) || !numeric(b)) {
            return null;
        }
        if (a instanceof Decimal || b instanceof Decimal) {
            if (a == Scalar.FLOAT || a == Scalar.DOUBLE || b == Scalar.FLOAT || b == Scalar.DOUBLE) {
                return Scalar.DOUBLE;
            }
            Decimal da = asDecimal(a);
            Decimal db = asDecimal(b);
            int scale = Math.max(da.scale(), db.scale());
            int integral = Math.max(da.precision() - da.scale(), db.precision() - db.scale());
            return integral + scale > Decimal.MAX_PRECISION ? Scalar.DOUBLE : new Decimal(integral + scale, scale);
        }
        if (a == Scalar.DOUBLE || b == Scalar.DOUBLE) {
            return Scalar.DOUBLE;
        }
        if (a == Scalar.FLOAT || b == Scalar.FLOAT) {
            // a float holds a 32-bit integer only approximately, as a double holds a 64-bit one: JSON's choice
            return Scalar.DOUBLE;
        }
        return Scalar.BIGINT;
    }

    private static Decimal asDecimal(DataType t) {
        if (t instanceof Decimal d) {
            return d;
        }
        return t == Scalar.INTEGER ? new Decimal(10, 0) : new Decimal(19, 0);
    }

    /** Fields match ignoring case, as column names do; the first spelling is kept. */
    private static Struct merge(Struct a, Struct b) {
        Map<String, Field> merged = new LinkedHashMap<>();
        for (Field f : a.fields()) {
            merged.put(f.name().toLowerCase(java.util.Locale.ROOT), f);
        }
        for (Field f : b.fields()) {
            merged.merge(f.name().toLowerCase(java.util.Locale.ROOT), f,
                    (had, added) -> new Field(had.name(), widen(had.type(), added.type())));
        }
        return new Struct(new ArrayList<>(merged.values()));
    }

    /**
     * The value of struct field {@code name} in a struct value, whose key may be spelled in another case (fields match
     * ignoring case, see {@link #widen}); null when absent.
     */
    static Object fieldValue(Map<?, ?> struct, String name) {
        Object v = struct.get(name);
        if (v != null || struct.containsKey(name)) {
            return v;
        }
        for (Map.Entry<?, ?> e : struct.entrySet()) {
            if (name.equalsIgnoreCase((String) e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A struct without fields (from {@code {}}) has no SQL type; it is treated like null. */
    static boolean isEmptyStruct(DataType t) {
        return t instanceof Struct s && s.fields().isEmpty();
    }

    private static boolean nested(DataType t) {
        return t instanceof Struct || t instanceof ListOf || t instanceof MapOf || t == Scalar.JSON;
    }

    private static boolean numeric(DataType t) {
        return t == Scalar.INTEGER || t == Scalar.BIGINT || t == Scalar.FLOAT || t == Scalar.DOUBLE || t instanceof Decimal;
    }
}
