package io.sluice.it.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.it.contract.Canonical;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spark's rows (its {@code to_json}, as {@code interop/spark}'s SparkDeltaRead prints them) in the contract's canonical
 * form ({@link Canonical}), read by the column's Sluice type, so they compare as text with any other reader's rows; and
 * Sluice types as Spark's simpleString names them.
 */
final class SparkRows {
    private SparkRows() {}

    static List<Map<String, String>> canonical(List<Column> columns, JsonNode rows) {
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, String> r = new LinkedHashMap<>();
            for (Column c : columns) {
                r.put(c.name(), Canonical.text(c.type(), value(c.type(), row.get(c.name()))));
            }
            out.add(r);
        }
        return out;
    }

    /** The type as Spark's {@code DataType.simpleString} spells it; TIMESTAMP is Delta's timestamp (an instant). */
    static String sparkType(DataType t) {
        if (t instanceof Decimal d) {
            return "decimal(" + d.precision() + "," + d.scale() + ")";
        }
        if (t instanceof ListOf l) {
            return "array<" + sparkType(l.element()) + ">";
        }
        if (t instanceof MapOf m) {
            return "map<" + sparkType(m.key()) + "," + sparkType(m.value()) + ">";
        }
        if (t instanceof Struct s) {
            List<String> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(f.name() + ":" + sparkType(f.type())));
            return "struct<" + String.join(",", fields) + ">";
        }
        return switch ((Scalar) t) {
            case BOOLEAN -> "boolean";
            case INTEGER -> "int";
            case BIGINT -> "bigint";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case VARCHAR, JSON, UUID -> "string";
            case TIMESTAMP -> "timestamp";
            case DATE -> "date";
            case BLOB -> "binary";
            case TIME -> throw new IllegalArgumentException("Delta has no TIME type");
        };
    }

    private static Object value(DataType t, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (t instanceof ListOf l) {
            List<Object> out = new ArrayList<>();
            v.forEach(e -> out.add(value(l.element(), e)));
            return out;
        }
        if (t instanceof MapOf m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            v.properties().forEach(e -> out.put(scalar(m.key(), e.getKey()), value(m.value(), e.getValue())));
            return out;
        }
        if (t instanceof Struct s) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : s.fields()) {
                out.put(f.name(), value(f.type(), v.get(f.name())));
            }
            return out;
        }
        if (t instanceof Decimal) {
            return v.decimalValue();
        }
        return switch ((Scalar) t) {
            case BOOLEAN -> v.booleanValue();
            case INTEGER, BIGINT -> v.bigIntegerValue();
            case FLOAT, DOUBLE -> v.doubleValue();
            case BLOB -> Base64.getDecoder().decode(v.textValue());
            default -> scalar(t, v.asText());
        };
    }

    /** A scalar from its text (a map key, or a string-valued field). */
    private static Object scalar(DataType t, String text) {
        if (t instanceof Decimal) {
            return new BigDecimal(text);
        }
        return switch ((Scalar) t) {
            case INTEGER, BIGINT -> new BigInteger(text);
            case FLOAT, DOUBLE -> Double.parseDouble(text);
            case BOOLEAN -> Boolean.parseBoolean(text);
            case TIMESTAMP -> Instant.parse(text);
            default -> text;
        };
    }
}
