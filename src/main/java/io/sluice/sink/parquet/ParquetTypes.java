package io.sluice.sink.parquet;

import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.TypeSupport;
import java.util.Locale;

/**
 * Parquet stores every Sluice type. A widening is a change across files (old files keep the old type), so only the
 * widenings readers resolve when they read old and new files together are declared (checked with DuckDB's
 * {@code read_parquet(..., union_by_name = true)}: integer to bigint or double, float to double, decimals to wider
 * decimals, struct fields added or widened, list elements and map values widened). DATE to TIMESTAMP is not: DuckDB
 * reads an old file's DATE as midnight in the session's time zone, where Sluice means midnight UTC, so it is a
 * breaking change.
 */
final class ParquetTypes {
    static final TypeSupport SUPPORT = new TypeSupport() {
        @Override
        public boolean canWiden(DataType from, DataType to) {
            return ParquetTypes.canWiden(from, to);
        }
    };

    private ParquetTypes() {}

    /** Asked only for widenings {@link io.sluice.schema.Evolution#widensSafely} allows. */
    static boolean canWiden(DataType from, DataType to) {
        if (from.equals(to)) {
            return true;
        }
        if (from == Scalar.DATE && to == Scalar.TIMESTAMP) {
            return false;
        }
        if (from instanceof Struct a && to instanceof Struct b) {
            for (Field f : a.fields()) {
                for (Field g : b.fields()) {
                    if (g.name().toLowerCase(Locale.ROOT).equals(f.name().toLowerCase(Locale.ROOT)) && !canWiden(f.type(), g.type())) {
                        return false;
                    }
                }
            }
            return true;
        }
        if (from instanceof ListOf a && to instanceof ListOf b) {
            return canWiden(a.element(), b.element());
        }
        if (from instanceof MapOf a && to instanceof MapOf b) {
            return canWiden(a.value(), b.value());
        }
        return true;
    }
}
