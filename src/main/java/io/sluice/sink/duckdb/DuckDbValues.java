package io.sluice.sink.duckdb;

import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.JsonValues;
import io.sluice.schema.MapValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.sluice.sink.ColumnValues;
import org.duckdb.DuckDBAppender;

/**
 * Appends a row value as the column's (possibly wider) type; DuckDB's appender accepts only exact types, and
 * inside lists and maps only plain Java values (a struct as a {@code LinkedHashMap} in field order).
 */
final class DuckDbValues {
    private DuckDbValues() {}

    /** Appends one value of a column; chosen once per column, so the type is not dispatched per value. */
    @FunctionalInterface
    interface Writer {
        void append(DuckDBAppender ap, ColumnValues col, int row) throws SQLException;
    }

    /** The writer of a column of type {@code type}; values are already normalized to it ({@link ColumnValues}). */
    static Writer writer(DataType type) {
        if (!(type instanceof Scalar scalar)) {
            return (ap, col, r) -> append(ap, type, col.get(r));
        }
        return switch (scalar) {
            case BOOLEAN -> (ap, col, r) -> {
                if (col.isNull(r)) {
                    ap.appendNull();
                } else {
                    ap.append(col.getBoolean(r));
                }
            };
            case INTEGER -> (ap, col, r) -> {
                if (col.isNull(r)) {
                    ap.appendNull();
                } else {
                    ap.append(col.getInt(r));
                }
            };
            case BIGINT -> (ap, col, r) -> {
                if (col.isNull(r)) {
                    ap.appendNull();
                } else {
                    ap.append(col.getLong(r));
                }
            };
            case DOUBLE -> (ap, col, r) -> {
                if (col.isNull(r)) {
                    ap.appendNull();
                } else {
                    ap.append(col.getDouble(r));
                }
            };
            case FLOAT -> (ap, col, r) -> {
                if (col.isNull(r)) {
                    ap.appendNull();
                } else {
                    ap.append(col.getFloat(r));
                }
            };
            case TIMESTAMP -> (ap, col, r) -> {
                if (col.isNull(r)) {
                    ap.appendNull();
                } else {
                    ap.appendEpochMicros(col.getLong(r));
                }
            };
            case VARCHAR, JSON -> (ap, col, r) -> {
                Object v = col.get(r);
                if (v == null) {
                    ap.appendNull();
                } else {
                    ap.append((String) v);
                }
            };
            default -> (ap, col, r) -> append(ap, type, col.get(r));
        };
    }

    static void append(DuckDBAppender ap, DataType type, Object v) throws SQLException {
        if (v == null) {
            ap.appendNull();
            return;
        }
        if (type instanceof Struct s) {
            Map<?, ?> m = (Map<?, ?>) v;
            ap.beginStruct();
            for (Field f : s.fields()) {
                append(ap, f.type(), DataType.fieldValue(m, f.name()));
            }
            ap.endStruct();
            return;
        }
        if (type instanceof Decimal d) {
            ap.append(decimal(d, v));
            return;
        }
        if (type instanceof ListOf || type instanceof MapOf) {
            Object plain = plain(type, v);
            if (plain instanceof List<?> l) {
                ap.append(l);
            } else {
                ap.append((Map<?, ?>) plain);
            }
            return;
        }
        switch ((Scalar) type) {
            case BOOLEAN -> ap.append(((Boolean) v).booleanValue());
            case INTEGER -> ap.append(((Number) v).intValue());
            case BIGINT -> ap.append(((Number) v).longValue());
            case FLOAT -> ap.append(((Number) v).floatValue());
            case DOUBLE -> ap.append(((Number) v).doubleValue());
            case VARCHAR, JSON -> ap.append(text(v));
            case TIMESTAMP -> ap.appendEpochMicros(micros(v));
            case DATE -> ap.append((LocalDate) v);
            case TIME -> ap.append((LocalTime) v);
            case UUID -> ap.append((UUID) v);
            case BLOB -> ap.append((byte[]) v);
        }
    }

    /** The value as the appender takes it inside a LIST or MAP. */
    private static Object plain(DataType type, Object v) {
        if (v == null) {
            return null;
        }
        if (type instanceof Struct s) {
            Map<?, ?> m = (Map<?, ?>) v;
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            for (Field f : s.fields()) {
                out.put(f.name(), plain(f.type(), DataType.fieldValue(m, f.name())));
            }
            return out;
        }
        if (type instanceof ListOf l) {
            List<?> in = (List<?>) v;
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) {
                out.add(plain(l.element(), o));
            }
            return out;
        }
        if (type instanceof MapOf m) {
            LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((MapValue) v).entries().entrySet()) {
                out.put(plain(m.key(), e.getKey()), plain(m.value(), e.getValue()));
            }
            return out;
        }
        if (type instanceof Decimal d) {
            return decimal(d, v);
        }
        return switch ((Scalar) type) {
            case BOOLEAN, DATE, TIME, UUID, BLOB -> v;
            case INTEGER -> ((Number) v).intValue();
            case BIGINT -> ((Number) v).longValue();
            case FLOAT -> ((Number) v).floatValue();
            case DOUBLE -> ((Number) v).doubleValue();
            case VARCHAR, JSON -> text(v);
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(Math.floorDiv(micros(v), 1_000_000L),
                    (int) Math.floorMod(micros(v), 1_000_000L) * 1000, ZoneOffset.UTC);
        };
    }

    private static BigDecimal decimal(Decimal d, Object v) {
        BigDecimal b = v instanceof BigDecimal x ? x : v instanceof Double || v instanceof Float
                ? BigDecimal.valueOf(((Number) v).doubleValue()) : BigDecimal.valueOf(((Number) v).longValue());
        // widening never drops digits; a value with more digits than its declared scale is rounded as DuckDB's cast would
        return b.scale() == d.scale() ? b : b.setScale(d.scale(), RoundingMode.HALF_UP);
    }

    private static long micros(Object v) {
        if (v instanceof LocalDate d) {
            return d.toEpochDay() * 86_400_000_000L;
        }
        Instant t = (Instant) v;
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    static String text(Object v) {
        return JsonValues.text(v);
    }
}
