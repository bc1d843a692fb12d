package io.sluice.sink.delta;

import io.delta.kernel.internal.types.TypeWideningChecker;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.TypeSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sluice's types as Delta's. Delta has no JSON, UUID or TIME type: those are kept as strings (JSON text, the UUID's
 * canonical form, {@code HH:mm:ss[.ffffff]}). Type changes are the ones Delta's type widening allows (int to long or
 * double, float to double, wider decimals), and only on tables where it is enabled; others are breaking changes.
 */
final class DeltaTypes implements TypeSupport {
    private final boolean widening;

    DeltaTypes(boolean widening) {
        this.widening = widening;
    }

    @Override
    public DataType stored(DataType type) {
        if (type == Scalar.JSON || type == Scalar.UUID || type == Scalar.TIME) {
            return Scalar.VARCHAR;
        }
        if (type instanceof ListOf l) {
            return new ListOf(stored(l.element()));
        }
        if (type instanceof MapOf m) {
            return new MapOf(stored(m.key()), stored(m.value()));
        }
        if (type instanceof Struct s) {
            List<Field> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(new Field(f.name(), stored(f.type()))));
            return new Struct(fields);
        }
        return type;
    }

    @Override
    public boolean canWiden(DataType from, DataType to) {
        return widens(from, to, widening);
    }

    static boolean widens(DataType from, DataType to, boolean widening) {
        if (from.equals(to)) {
            return true;
        }
        if (from instanceof Struct a && to instanceof Struct b) {
            for (Field f : a.fields()) {
                for (Field g : b.fields()) {
                    if (g.name().equalsIgnoreCase(f.name()) && !widens(f.type(), g.type(), widening)) {
                        return false;
                    }
                }
            }
            return true; // fields added
        }
        if (from instanceof ListOf a && to instanceof ListOf b) {
            return widens(a.element(), b.element(), widening);
        }
        if (from instanceof MapOf a && to instanceof MapOf b) {
            return a.key().equals(b.key()) && widens(a.value(), b.value(), widening);
        }
        if (!widening || from instanceof Struct || from instanceof ListOf || from instanceof MapOf) {
            return false;
        }
        try {
            return TypeWideningChecker.isWideningSupported(delta(from), delta(to));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The Delta type of a Sluice type as {@link #stored} left it; struct fields without column mapping metadata. */
    static io.delta.kernel.types.DataType delta(DataType t) {
        if (t instanceof Decimal d) {
            return new DecimalType(d.precision(), d.scale());
        }
        if (t instanceof ListOf l) {
            return new ArrayType(delta(l.element()), true);
        }
        if (t instanceof MapOf m) {
            return new MapType(delta(m.key()), delta(m.value()), true);
        }
        if (t instanceof Struct s) {
            StructType out = new StructType();
            for (Field f : s.fields()) {
                out = out.add(f.name(), delta(f.type()), true);
            }
            return out;
        }
        return switch ((Scalar) t) {
            case BOOLEAN -> BooleanType.BOOLEAN;
            case INTEGER -> IntegerType.INTEGER;
            case BIGINT -> LongType.LONG;
            case FLOAT -> FloatType.FLOAT;
            case DOUBLE -> DoubleType.DOUBLE;
            case VARCHAR, JSON, UUID, TIME -> StringType.STRING;
            case TIMESTAMP -> TimestampType.TIMESTAMP;
            case DATE -> DateType.DATE;
            case BLOB -> BinaryType.BINARY;
        };
    }

    /**
     * A Delta type as Sluice's, for reading a table's schema back; empty for a type Sluice cannot write (a table
     * another tool made: TIMESTAMP_NTZ, VARIANT, geometry).
     */
    static Optional<DataType> sluice(io.delta.kernel.types.DataType t) {
        if (t instanceof BooleanType) {
            return Optional.of(Scalar.BOOLEAN);
        }
        if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType) {
            return Optional.of(Scalar.INTEGER);
        }
        if (t instanceof LongType) {
            return Optional.of(Scalar.BIGINT);
        }
        if (t instanceof FloatType) {
            return Optional.of(Scalar.FLOAT);
        }
        if (t instanceof DoubleType) {
            return Optional.of(Scalar.DOUBLE);
        }
        if (t instanceof StringType) {
            return Optional.of(Scalar.VARCHAR);
        }
        if (t instanceof BinaryType) {
            return Optional.of(Scalar.BLOB);
        }
        if (t instanceof DateType) {
            return Optional.of(Scalar.DATE);
        }
        if (t instanceof TimestampType) {
            return Optional.of(Scalar.TIMESTAMP);
        }
        if (t instanceof DecimalType d) {
            return Optional.of(new Decimal(d.getPrecision(), d.getScale()));
        }
        if (t instanceof ArrayType a) {
            return sluice(a.getElementType()).map(ListOf::new);
        }
        if (t instanceof MapType m) {
            Optional<DataType> k = sluice(m.getKeyType());
            Optional<DataType> v = sluice(m.getValueType());
            return k.isPresent() && v.isPresent() ? Optional.of(new MapOf(k.get(), v.get())) : Optional.empty();
        }
        if (t instanceof StructType s) {
            List<Field> fields = new ArrayList<>();
            for (StructField f : s.fields()) {
                Optional<DataType> ft = sluice(f.getDataType());
                if (ft.isEmpty()) {
                    return Optional.empty();
                }
                fields.add(new Field(f.getName(), ft.get()));
            }
            return Optional.of(new Struct(fields));
        }
        return Optional.empty();
    }

    /** A Delta type for messages: Spark SQL's spelling. */
    static String describe(io.delta.kernel.types.DataType t) {
        return t.toString().toUpperCase(Locale.ROOT);
    }

    static boolean timestampNtz(io.delta.kernel.types.DataType t) {
        return t instanceof TimestampNTZType;
    }
}
