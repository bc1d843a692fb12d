package io.sluice.it.contract;

import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a column type as DuckDB names it (from {@code DESCRIBE}, {@code information_schema}, or {@code read_parquet})
 * into the Sluice type it holds. Written apart from the sinks' own type code, so the contract reads what landed
 * independently. {@code TIMESTAMP WITH TIME ZONE} is a Sluice TIMESTAMP too: both hold an instant (Parquet's
 * {@code isAdjustedToUTC=true}); any type Sluice has no counterpart for fails the read, naming it.
 */
public final class ReaderTypes {
    private final String s;
    private int pos;

    private ReaderTypes(String s) {
        this.s = s;
    }

    public static DataType parse(String duckDbType) {
        ReaderTypes p = new ReaderTypes(duckDbType.trim());
        DataType t = p.type();
        p.skip();
        if (p.pos != p.s.length()) {
            throw new IllegalArgumentException("unexpected text at " + p.pos + " of column type " + duckDbType);
        }
        return t;
    }

    private DataType type() {
        DataType t = element();
        while (true) {
            skip();
            if (s.startsWith("[]", pos)) {
                pos += 2;
                t = new ListOf(t);
            } else {
                return t;
            }
        }
    }

    private DataType element() {
        skip();
        if (word("MAP(")) {
            DataType key = type();
            expect(',');
            DataType value = type();
            expect(')');
            return new MapOf(key, value);
        }
        if (word("DECIMAL(") || word("NUMERIC(")) {
            int precision = number();
            expect(',');
            int scale = number();
            expect(')');
            return new Decimal(precision, scale);
        }
        if (word("STRUCT(")) {
            List<Field> fields = new ArrayList<>();
            while (true) {
                skip();
                String name = name();
                DataType t = type();
                fields.add(new Field(name, t));
                skip();
                char c = s.charAt(pos++);
                if (c == ')') {
                    return new Struct(fields);
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or ) at " + (pos - 1) + " of column type " + s);
                }
            }
        }
        if (word("TIMESTAMP WITH TIME ZONE")) {
            return Scalar.TIMESTAMP;
        }
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
            pos++;
        }
        String w = s.substring(start, pos).toUpperCase(Locale.ROOT);
        return switch (w) {
            case "BOOLEAN" -> Scalar.BOOLEAN;
            case "INTEGER" -> Scalar.INTEGER;
            case "BIGINT" -> Scalar.BIGINT;
            case "FLOAT" -> Scalar.FLOAT;
            case "DOUBLE" -> Scalar.DOUBLE;
            case "VARCHAR" -> Scalar.VARCHAR;
            case "JSON" -> Scalar.JSON;
            case "TIMESTAMP", "TIMESTAMPTZ" -> Scalar.TIMESTAMP;
            case "DATE" -> Scalar.DATE;
            case "TIME" -> Scalar.TIME;
            case "UUID" -> Scalar.UUID;
            case "BLOB" -> Scalar.BLOB;
            default -> throw new IllegalArgumentException("column type " + w + " (in " + s + ") is no Sluice type");
        };
    }

    private boolean word(String w) {
        if (s.regionMatches(true, pos, w, 0, w.length())) {
            pos += w.length();
            return true;
        }
        return false;
    }

    private void expect(char c) {
        skip();
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + pos + " of column type " + s);
        }
        pos++;
    }

    private int number() {
        skip();
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        return Integer.parseInt(s.substring(start, pos));
    }

    private String name() {
        if (s.charAt(pos) == '"') {
            StringBuilder b = new StringBuilder();
            pos++;
            while (true) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    if (pos < s.length() && s.charAt(pos) == '"') {
                        b.append('"');
                        pos++;
                    } else {
                        return b.toString();
                    }
                } else {
                    b.append(c);
                }
            }
        }
        int start = pos;
        while (s.charAt(pos) != ' ') {
            pos++;
        }
        return s.substring(start, pos);
    }

    private void skip() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }
}
