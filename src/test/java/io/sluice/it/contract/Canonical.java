package io.sluice.it.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.sql.Blob;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The sink-neutral form the contract compares rows in: every value as canonical text, decided by the column's Sluice
 * type (not by how a reader happened to return it), so a DuckDB table and a Parquet file holding the same data give
 * the same text.
 *
 * <ul>
 *   <li>{@code null} stays Java {@code null} (in expected files: JSON {@code null});</li>
 *   <li>BOOLEAN: {@code true} / {@code false}; INTEGER, BIGINT: decimal digits with an optional {@code -};</li>
 *   <li>FLOAT, DOUBLE: the shortest decimal that reads back as the same value at the column's own precision, in plain
 *       notation without trailing zeros ({@code 0.5}, {@code 10}, {@code -1.25}); {@code NaN}, {@code Infinity},
 *       {@code -Infinity};</li>
 *   <li>DECIMAL(p, s): plain notation with exactly {@code s} fraction digits ({@code -2.00});</li>
 *   <li>VARCHAR: the string itself; JSON: the document re-written compactly, keys in their order;</li>
 *   <li>TIMESTAMP (an instant): ISO-8601 in UTC with six fraction digits, {@code 2026-01-01T00:00:00.123000Z};
 *       DATE {@code 2026-01-01}; TIME {@code 08:00:00.000000};</li>
 *   <li>UUID: lower case, 8-4-4-4-12; BLOB: lower-case hex of the bytes ({@code 0102});</li>
 *   <li>LIST: a JSON array, STRUCT: a JSON object with every declared field in the type's order, MAP: a JSON object
 *       keyed by each key's canonical text, keys sorted; inside them each scalar is its canonical text as a JSON
 *       string, and null is JSON null. Written compactly.</li>
 * </ul>
 */
public final class Canonical {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS", Locale.ROOT);

    private Canonical() {}

    /** The canonical text of {@code value} (as a JDBC driver or a decoder returned it) in a column of {@code type}. */
    public static String text(DataType type, Object value) {
        if (value == null) {
            return null;
        }
        if (type instanceof ListOf || type instanceof MapOf || type instanceof Struct) {
            try {
                return JSON.writeValueAsString(node(type, value));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return scalar(type, value);
    }

    /** An expected value from an expected file (JSON: string, null, or an array/object for nested types) as canonical text. */
    static String expected(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isContainerNode()) {
            return node.toString();
        }
        throw new IllegalArgumentException("an expected value is a JSON string, null, an array or an object, not " + node);
    }

    private static JsonNode node(DataType type, Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (type instanceof ListOf l) {
            ArrayNode a = f.arrayNode();
            for (Object e : elements(value)) {
                a.add(node(l.element(), e));
            }
            return a;
        }
        if (type instanceof MapOf m) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : entries(value).entrySet()) {
                sorted.put(scalarOrJson(m.key(), e.getKey()), node(m.value(), e.getValue()));
            }
            ObjectNode o = f.objectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (type instanceof Struct s) {
            ObjectNode o = f.objectNode();
            List<Object> fields = fields(s, value);
            for (int i = 0; i < s.fields().size(); i++) {
                Field field = s.fields().get(i);
                o.set(field.name(), node(field.type(), fields.get(i)));
            }
            return o;
        }
        return f.textNode(scalar(type, value));
    }

    private static String scalarOrJson(DataType type, Object value) {
        return text(type, value);
    }

    private static List<?> elements(Object value) {
        try {
            if (value instanceof java.sql.Array a) {
                return java.util.Arrays.asList((Object[]) a.getArray());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (value instanceof Object[] a) {
            return java.util.Arrays.asList(a);
        }
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("not a list value: " + value.getClass().getName() + " " + value);
    }

    private static Map<?, ?> entries(Object value) {
        if (value instanceof io.sluice.schema.MapValue m) {
            return m.entries();
        }
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("not a map value: " + value.getClass().getName() + " " + value);
    }

    private static List<Object> fields(Struct type, Object value) {
        List<Object> out = new ArrayList<>();
        try {
            if (value instanceof java.sql.Struct s) {
                Object[] attrs = s.getAttributes();
                if (attrs.length != type.fields().size()) {
                    throw new IllegalArgumentException("struct value " + value + " has " + attrs.length + " fields, its type "
                            + type.describe() + " " + type.fields().size());
                }
                out.addAll(java.util.Arrays.asList(attrs));
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (value instanceof Map<?, ?> m) {
            for (Field field : type.fields()) {
                out.add(m.get(field.name()));
            }
            return out;
        }
        throw new IllegalArgumentException("not a struct value: " + value.getClass().getName() + " " + value);
    }

    private static String scalar(DataType type, Object v) {
        if (type instanceof Decimal d) {
            return decimal(v).setScale(d.scale(), RoundingMode.UNNECESSARY).toPlainString();
        }
        return switch ((Scalar) type) {
            case BOOLEAN -> String.valueOf((Boolean) v);
            case INTEGER, BIGINT -> integer(v).toString();
            case FLOAT -> floating(v instanceof Float x ? Float.toString(x) : Float.toString(((Number) v).floatValue()), v);
            case DOUBLE -> floating(Double.toString(((Number) v).doubleValue()), v);
            case VARCHAR -> v.toString();
            case JSON -> json(v.toString());
            case TIMESTAMP -> INSTANT.format(instant(v).atOffset(ZoneOffset.UTC));
            case DATE -> v instanceof java.sql.Date d ? d.toLocalDate().toString() : LocalDate.parse(v.toString()).toString();
            case TIME -> TIME.format(v instanceof java.sql.Time t ? t.toLocalTime() : v instanceof LocalTime t ? t : LocalTime.parse(v.toString()));
            case UUID -> UUID.fromString(v.toString()).toString();
            case BLOB -> HexFormat.of().formatHex(bytes(v));
        };
    }

    private static BigInteger integer(Object v) {
        if (v instanceof BigInteger b) {
            return b;
        }
        if (v instanceof BigDecimal d) {
            return d.toBigIntegerExact();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigInteger.valueOf(((Number) v).longValue());
        }
        throw new IllegalArgumentException("not an integer: " + v.getClass().getName() + " " + v);
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Long || v instanceof Integer) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        return new BigDecimal(v.toString());
    }

    private static String floating(String javaText, Object v) {
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return javaText;
        }
        String plain = new BigDecimal(javaText).stripTrailingZeros().toPlainString();
        return plain.equals("-0") ? "0" : plain;
    }

    private static String json(String text) {
        try {
            return JSON.writeValueAsString(JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a JSON column holds text that is not JSON: " + text, e);
        }
    }

    private static Instant instant(Object v) {
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (v instanceof java.sql.Timestamp t) {
            // a timestamp without zone holds the UTC wall time: read it back as that wall time, whatever the JVM's zone
            return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (v instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        throw new IllegalArgumentException("not a timestamp: " + v.getClass().getName() + " " + v);
    }

    private static byte[] bytes(Object v) {
        try {
            if (v instanceof byte[] b) {
                return b;
            }
            if (v instanceof Blob b) {
                return b.getBytes(1, (int) b.length());
            }
            if (v instanceof ByteBuffer b) {
                ByteBuffer d = b.duplicate();
                byte[] out = new byte[d.remaining()];
                d.get(out);
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("not bytes: " + v.getClass().getName());
    }
}
