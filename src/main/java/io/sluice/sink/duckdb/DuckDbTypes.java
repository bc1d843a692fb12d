package io.sluice.sink.duckdb;

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
import java.util.Optional;

/** Sluice types to DuckDB type names and back. */
final class DuckDbTypes {
    private DuckDbTypes() {}

    static String sql(DataType t) {
        if (t instanceof Struct s) {
            StringBuilder b = new StringBuilder("STRUCT(");
            for (int i = 0; i < s.fields().size(); i++) {
                Field f = s.fields().get(i);
                b.append(i > 0 ? ", " : "").append(quote(f.name())).append(' ').append(sql(f.type()));
            }
            return b.append(')').toString();
        }
        if (t instanceof Decimal d) {
            return "DECIMAL(" + d.precision() + ", " + d.scale() + ")";
        }
        if (t instanceof ListOf l) {
            return sql(l.element()) + "[]";
        }
        if (t instanceof MapOf m) {
            return "MAP(" + sql(m.key()) + ", " + sql(m.value()) + ")";
        }
        return ((Scalar) t).name();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Parses a type as DuckDB reports it; empty for types Sluice does not write. */
    static Optional<DataType> parse(String text) {
        try {
            Parser p = new Parser(text);
            DataType t = p.type();
            return p.pos == text.length() ? Optional.of(t) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        DataType type() {
            DataType t = element();
            while (s.startsWith("[]", pos)) {
                pos += 2;
                t = new ListOf(t);
            }
            return t;
        }

        private DataType element() {
            skip();
            if (s.regionMatches(true, pos, "MAP(", 0, 4)) {
                pos += 4;
                DataType key = type();
                expect(',');
                DataType value = type();
                expect(')');
                return new MapOf(key, value);
            }
            if (s.regionMatches(true, pos, "DECIMAL(", 0, 8)) {
                pos += 8;
                int precision = number();
                expect(',');
                int scale = number();
                expect(')');
                return new Decimal(precision, scale);
            }
            if (s.regionMatches(true, pos, "STRUCT(", 0, 7)) {
                pos += 7;
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
                        throw new IllegalArgumentException(s);
                    }
                }
            }
            int start = pos;
            while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                pos++;
            }
            String word = s.substring(start, pos).toUpperCase(Locale.ROOT);
            return switch (word) {
                case "BOOLEAN" -> Scalar.BOOLEAN;
                case "INTEGER" -> Scalar.INTEGER;
                case "BIGINT" -> Scalar.BIGINT;
                case "DOUBLE" -> Scalar.DOUBLE;
                case "VARCHAR" -> Scalar.VARCHAR;
                case "JSON" -> Scalar.JSON;
                case "TIMESTAMP" -> Scalar.TIMESTAMP;
                case "FLOAT" -> Scalar.FLOAT;
                case "DATE" -> Scalar.DATE;
                case "TIME" -> Scalar.TIME;
                case "UUID" -> Scalar.UUID;
                case "BLOB" -> Scalar.BLOB;
                default -> throw new IllegalArgumentException(word);
            };
        }

        private void expect(char c) {
            skip();
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + pos + " in " + s);
            }
            pos++;
            skip();
        }

        private int number() {
            skip();
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            return Integer.parseInt(s.substring(start, pos));
        }

        String name() {
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

        void skip() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }
    }
}
