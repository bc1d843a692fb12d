package io.sluice.sink.parquet;

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
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Sluice's column types as Parquet types, as other readers expect them: TIMESTAMP as INT64 micros adjusted to UTC,
 * DECIMAL as Parquet decimals sized by precision, the standard three-level LIST and the standard MAP.
 */
public final class ParquetSchemas {
    static final String ROOT = "sluice";

    /**
     * The name and field id a column, or a field of a struct column, has in a file: by default its own name and no id; a
     * table format that maps names (Delta's column mapping) gives each its physical name and id. List elements and map
     * keys and values keep Parquet's standard names.
     */
    public interface FieldNaming {
        FieldNaming LOGICAL = path -> new FileName(path.get(path.size() - 1), -1);

        /** The file name of the column or struct field at {@code path} (the column's name, then field names). */
        FileName name(List<String> path);
    }

    /** @param id the Parquet field id, or -1 for none */
    public record FileName(String name, int id) {}

    private ParquetSchemas() {}

    static MessageType message(List<Column> columns) {
        return message(columns, FieldNaming.LOGICAL);
    }

    /** The file schema of {@code columns}, each named (and numbered) as {@code naming} says. */
    public static MessageType message(List<Column> columns, FieldNaming naming) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Column c : columns) {
            List<String> path = new ArrayList<>(List.of(c.name()));
            b.addField(type(c.type(), path, naming, Repetition.OPTIONAL));
        }
        return b.named(ROOT);
    }

    private static Type type(DataType t, List<String> path, FieldNaming naming, Repetition rep) {
        FileName n = naming.name(path);
        Type out = type(t, n.name(), path, naming, rep);
        return n.id() >= 0 ? out.withId(n.id()) : out;
    }

    static Type type(DataType t, String name, Repetition rep) {
        return type(t, name, new ArrayList<>(List.of(name)), FieldNaming.LOGICAL, rep);
    }

    private static Type type(DataType t, String name, List<String> path, FieldNaming naming, Repetition rep) {
        if (t instanceof Struct s) {
            Types.GroupBuilder<org.apache.parquet.schema.GroupType> g = Types.buildGroup(rep);
            for (Field f : s.fields()) {
                path.add(f.name());
                g.addField(type(f.type(), path, naming, Repetition.OPTIONAL));
                path.remove(path.size() - 1);
            }
            return g.named(name);
        }
        // inside lists and maps, struct fields are named as the path says, elements and entries as Parquet does
        if (t instanceof ListOf l) {
            return Types.buildGroup(rep).as(LogicalTypeAnnotation.listType())
                    .addField(Types.repeatedGroup().addField(type(l.element(), "element", path, naming, Repetition.OPTIONAL))
                            .named("list"))
                    .named(name);
        }
        if (t instanceof MapOf m) {
            return Types.buildGroup(rep).as(LogicalTypeAnnotation.mapType())
                    .addField(Types.repeatedGroup()
                            .addField(type(m.key(), "key", path, naming, Repetition.REQUIRED))
                            .addField(type(m.value(), "value", path, naming, Repetition.OPTIONAL))
                            .named("key_value"))
                    .named(name);
        }
        if (t instanceof Decimal d) {
            LogicalTypeAnnotation dec = LogicalTypeAnnotation.decimalType(d.scale(), d.precision());
            if (d.precision() <= 9) {
                return Types.primitive(PrimitiveTypeName.INT32, rep).as(dec).named(name);
            }
            if (d.precision() <= 18) {
                return Types.primitive(PrimitiveTypeName.INT64, rep).as(dec).named(name);
            }
            return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(decimalBytes(d.precision()))
                    .as(dec).named(name);
        }
        return switch ((Scalar) t) {
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(name);
            case INTEGER -> Types.primitive(PrimitiveTypeName.INT32, rep).named(name);
            case BIGINT -> Types.primitive(PrimitiveTypeName.INT64, rep).named(name);
            case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, rep).named(name);
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
            case VARCHAR -> Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(name);
            case JSON -> Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.jsonType()).named(name);
            case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, rep)
                    .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
            case DATE -> Types.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.dateType()).named(name);
            // a time of day without a zone: isAdjustedToUTC=true would make readers see TIME WITH TIME ZONE
            case TIME -> Types.primitive(PrimitiveTypeName.INT64, rep)
                    .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).named(name);
            case UUID -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(16)
                    .as(LogicalTypeAnnotation.uuidType()).named(name);
            case BLOB -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(name);
        };
    }

    /** The fewest bytes whose two's complement holds every unscaled value of {@code precision} digits. */
    static int decimalBytes(int precision) {
        java.math.BigInteger max = java.math.BigInteger.TEN.pow(precision).subtract(java.math.BigInteger.ONE);
        return (max.bitLength() + 1 + 7) / 8;
    }
}
