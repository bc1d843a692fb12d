package io.sluice.sink;

import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import java.util.BitSet;

/**
 * The values of one column of a {@link TableRows}, every one already of the column's type, read by position. Which
 * accessor applies follows from {@link #type()}:
 * <ul>
 *   <li>BOOLEAN: {@link #getBoolean}; INTEGER: {@link #getInt}; BIGINT: {@link #getLong}; FLOAT: {@link #getFloat};
 *   DOUBLE: {@link #getDouble};</li>
 *   <li>TIMESTAMP: {@link #getLong}, microseconds since the epoch, UTC; DATE: {@link #getInt}, days since the epoch;
 *   TIME: {@link #getLong}, microseconds since midnight;</li>
 *   <li>every other type through {@link #get}: VARCHAR and JSON a {@code String}, UUID a {@code java.util.UUID}, BLOB a
 *   {@code byte[]} (not to be changed), DECIMAL a {@code BigDecimal} with exactly the column's scale, LIST a
 *   {@code List}, MAP a {@link io.sluice.schema.MapValue}, STRUCT a {@code Map<String, Object>} keyed by the struct
 *   type's field names in its field order (absent fields present as null); nested values follow the same rules
 *   (a nested TIMESTAMP is an {@code Instant}, a DATE a {@code LocalDate}, a TIME a {@code LocalTime}).</li>
 * </ul>
 * {@link #get} also works for the primitive types (boxed, TIMESTAMP as {@code Instant}, DATE as {@code LocalDate},
 * TIME as {@code LocalTime}), for writers that do not care about the cost. Immutable.
 */
public final class ColumnValues {
    private final DataType type;
    private final int size;
    /** Set bits are nulls; null when the column has none. */
    private final BitSet nulls;
    private final long[] longs;
    private final int[] ints;
    private final double[] doubles;
    private final float[] floats;
    private final boolean[] booleans;
    private final Object[] objects;

    ColumnValues(DataType type, int size, BitSet nulls, long[] longs, int[] ints, double[] doubles, float[] floats,
            boolean[] booleans, Object[] objects) {
        this.type = type;
        this.size = size;
        this.nulls = nulls == null || nulls.isEmpty() ? null : nulls;
        this.longs = longs;
        this.ints = ints;
        this.doubles = doubles;
        this.floats = floats;
        this.booleans = booleans;
        this.objects = objects;
    }

    public DataType type() {
        return type;
    }

    public int size() {
        return size;
    }

    public boolean isNull(int row) {
        if (objects != null) {
            return objects[row] == null;
        }
        return nulls != null && nulls.get(row);
    }

    /** Whether any value is null. */
    public boolean hasNulls() {
        if (objects != null) {
            for (Object o : objects) {
                if (o == null) {
                    return true;
                }
            }
            return false;
        }
        return nulls != null;
    }

    public boolean getBoolean(int row) {
        return booleans[row];
    }

    public int getInt(int row) {
        return ints[row];
    }

    public long getLong(int row) {
        return longs[row];
    }

    public float getFloat(int row) {
        return floats[row];
    }

    public double getDouble(int row) {
        return doubles[row];
    }

    /** The value as an object (see the class comment), or null. */
    public Object get(int row) {
        if (objects != null) {
            return objects[row];
        }
        if (isNull(row)) {
            return null;
        }
        return switch ((Scalar) type) {
            case BOOLEAN -> booleans[row];
            case INTEGER -> ints[row];
            case BIGINT -> longs[row];
            case FLOAT -> floats[row];
            case DOUBLE -> doubles[row];
            case TIMESTAMP -> Values.instant(longs[row]);
            case DATE -> java.time.LocalDate.ofEpochDay(ints[row]);
            case TIME -> java.time.LocalTime.ofNanoOfDay(longs[row] * 1000);
            default -> throw new IllegalStateException(type + " is kept as objects");
        };
    }
}
