package io.sluice.it.delta;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Delta {@code schemaString} as this reader understands it: every field with its logical and its physical name
 * (column mapping mode {@code name}, at every depth), and the types Sluice has counterparts for. Anything else (byte,
 * short, variant, a field without a physical name in a mapped table) fails the parse, naming the field.
 */
final class DeltaSchema {
    sealed interface Type {}

    /** long, integer, float, double, boolean, string, binary, date, timestamp, timestamp_ntz. */
    record Primitive(String name) implements Type {}

    record Dec(int precision, int scale) implements Type {}

    record StructT(List<FieldT> fields) implements Type {}

    record ArrayT(Type element) implements Type {}

    record MapT(Type key, Type value) implements Type {}

    record FieldT(String name, String physical, Type type) {}

    private static final List<String> PRIMITIVES =
            List.of("long", "integer", "float", "double", "boolean", "string", "binary", "date", "timestamp", "timestamp_ntz");
    private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    private final StructT root;

    private DeltaSchema(StructT root) {
        this.root = root;
    }

    /** Parses {@code schema} (the parsed schemaString); {@code mapped} when column mapping mode is {@code name}. */
    static DeltaSchema parse(JsonNode schema, boolean mapped) {
        Type t = type(schema, mapped, "");
        if (!(t instanceof StructT s) || s.fields().isEmpty()) {
            throw new IllegalStateException("the table schema is not a struct with fields: " + schema);
        }
        return new DeltaSchema(s);
    }

    List<FieldT> fields() {
        return root.fields();
    }

    FieldT field(String logical) {
        for (FieldT f : root.fields()) {
            if (f.name().equals(logical)) {
                return f;
            }
        }
        throw new IllegalStateException("the table schema has no column " + logical + " (columns: " + names() + ")");
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        root.fields().forEach(f -> out.add(f.name()));
        return out;
    }

    List<Column> columns() {
        List<Column> out = new ArrayList<>();
        for (FieldT f : root.fields()) {
            out.add(new Column(f.name(), sluice(f.type())));
        }
        return out;
    }

    /** The Sluice type a Delta type reads as; timestamp and timestamp_ntz are both TIMESTAMP, as in ReaderTypes. */
    static DataType sluice(Type t) {
        if (t instanceof Dec d) {
            return new Decimal(d.precision(), d.scale());
        }
        if (t instanceof ArrayT a) {
            return new ListOf(sluice(a.element()));
        }
        if (t instanceof MapT m) {
            return new MapOf(sluice(m.key()), sluice(m.value()));
        }
        if (t instanceof StructT s) {
            List<Field> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(new Field(f.name(), sluice(f.type()))));
            return new Struct(fields);
        }
        return switch (((Primitive) t).name()) {
            case "long" -> Scalar.BIGINT;
            case "integer" -> Scalar.INTEGER;
            case "float" -> Scalar.FLOAT;
            case "double" -> Scalar.DOUBLE;
            case "boolean" -> Scalar.BOOLEAN;
            case "string" -> Scalar.VARCHAR;
            case "binary" -> Scalar.BLOB;
            case "date" -> Scalar.DATE;
            default -> Scalar.TIMESTAMP;
        };
    }

    /** The DuckDB type a Delta type is read into, nested fields by their logical names. */
    static String duckDb(Type t) {
        if (t instanceof Dec d) {
            return "DECIMAL(" + d.precision() + ", " + d.scale() + ")";
        }
        if (t instanceof ArrayT a) {
            return duckDb(a.element()) + "[]";
        }
        if (t instanceof MapT m) {
            return "MAP(" + duckDb(m.key()) + ", " + duckDb(m.value()) + ")";
        }
        if (t instanceof StructT s) {
            List<String> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(Sql.ident(f.name()) + " " + duckDb(f.type())));
            return "STRUCT(" + String.join(", ", fields) + ")";
        }
        return switch (((Primitive) t).name()) {
            case "long" -> "BIGINT";
            case "integer" -> "INTEGER";
            case "float" -> "FLOAT";
            case "double" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            case "string" -> "VARCHAR";
            case "binary" -> "BLOB";
            case "date" -> "DATE";
            case "timestamp" -> "TIMESTAMPTZ";
            default -> "TIMESTAMP";
        };
    }

    /** True when reading the type needs no renaming of nested fields, so a plain CAST does. */
    static boolean flat(Type t) {
        if (t instanceof StructT) {
            return false;
        }
        if (t instanceof ArrayT a) {
            return flat(a.element());
        }
        if (t instanceof MapT m) {
            return flat(m.key()) && flat(m.value());
        }
        return true;
    }

    private static Type type(JsonNode n, boolean mapped, String where) {
        if (n.isTextual()) {
            String s = n.textValue();
            if (PRIMITIVES.contains(s)) {
                return new Primitive(s);
            }
            Matcher m = DECIMAL.matcher(s);
            if (m.matches()) {
                return new Dec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
            throw new IllegalStateException("column " + where + " has Delta type " + s + ", which this reader does not read"
                    + " (Sluice has no such type)");
        }
        String kind = n.path("type").asText();
        switch (kind) {
            case "struct" -> {
                List<FieldT> fields = new ArrayList<>();
                for (JsonNode f : n.path("fields")) {
                    String name = f.path("name").asText();
                    String path = where.isEmpty() ? name : where + "." + name;
                    String physical = name;
                    if (mapped) {
                        JsonNode p = f.path("metadata").path("delta.columnMapping.physicalName");
                        if (!p.isTextual() || p.textValue().isEmpty()) {
                            throw new IllegalStateException("column " + path + " has no delta.columnMapping.physicalName,"
                                    + " though the table maps columns by name");
                        }
                        physical = p.textValue();
                    }
                    fields.add(new FieldT(name, physical, type(f.path("type"), mapped, path)));
                }
                return new StructT(fields);
            }
            case "array" -> {
                return new ArrayT(type(n.path("elementType"), mapped, where + "[]"));
            }
            case "map" -> {
                return new MapT(type(n.path("keyType"), mapped, where + ".key"), type(n.path("valueType"), mapped, where + ".value"));
            }
            default -> throw new IllegalStateException("column " + where + " has a Delta type this reader does not know: " + n);
        }
    }
}
