package io.sluice.sink;

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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a decoded value into the value class of a (possibly wider) column type, the one place where that happens for
 * every sink: an Integer in a BIGINT column becomes a Long, a number in a VARCHAR column its text, a DATE in a
 * TIMESTAMP column midnight UTC, a struct a map of exactly the type's fields.
 */
final class Values {
    private Values() {}

    /** {@code v} as a value of {@code type} (see {@link ColumnValues}); null stays null. */
    static Object normalize(DataType type, Object v) {
        if (v == null) {
            return null;
        }
        if (type instanceof Struct s) {
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("a " + v.getClass().getSimpleName() + " value cannot be a " + type.describe());
            }
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            for (Field f : s.fields()) {
                out.put(f.name(), normalize(f.type(), DataType.fieldValue(m, f.name())));
            }
            return out;
        }
        if (type instanceof ListOf l) {
            List<?> in = (List<?>) v;
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) {
                out.add(normalize(l.element(), o));
            }
            return java.util.Collections.unmodifiableList(out);
        }
        if (type instanceof MapOf m) {
            LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((MapValue) v).entries().entrySet()) {
                out.put(normalize(m.key(), e.getKey()), normalize(m.value(), e.getValue()));
            }
            return new MapValue(java.util.Collections.unmodifiableMap(out));
        }
        if (type instanceof Decimal d) {
            return decimal(d, v);
        }
        return switch ((Scalar) type) {
            case BOOLEAN, UUID, BLOB -> v;
            case INTEGER -> v instanceof Integer ? v : ((Number) v).intValue();
            case BIGINT -> v instanceof Long ? v : ((Number) v).longValue();
            case FLOAT -> v instanceof Float ? v : ((Number) v).floatValue();
            case DOUBLE -> v instanceof Double ? v : ((Number) v).doubleValue();
            case VARCHAR, JSON -> v instanceof String ? v : JsonValues.text(v);
            case TIMESTAMP -> v instanceof Instant ? v : instant(micros(v));
            case DATE -> (LocalDate) v;
            case TIME -> (LocalTime) v;
        };
    }

    static BigDecimal decimal(Decimal d, Object v) {
        BigDecimal b = v instanceof BigDecimal x ? x : v instanceof Double || v instanceof Float
                ? BigDecimal.valueOf(((Number) v).doubleValue()) : BigDecimal.valueOf(((Number) v).longValue());
        // widening never drops digits; a value with more digits than its declared scale is rounded as a SQL cast would
        return b.scale() == d.scale() ? b : b.setScale(d.scale(), RoundingMode.HALF_UP);
    }

    /** Microseconds since the epoch of a TIMESTAMP value (an Instant, or a DATE widened to TIMESTAMP). */
    static long micros(Object v) {
        if (v instanceof LocalDate d) {
            return d.toEpochDay() * 86_400_000_000L;
        }
        Instant t = (Instant) v;
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
