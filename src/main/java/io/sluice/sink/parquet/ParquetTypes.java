package io.sluice.sink.parquet;

import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.TypeSupport;

/**
 * Parquet stores every Sluice type. A widening is a change across files (old files keep the old type), so only the
 * widenings readers resolve when they read old and new files together are declared; others are breaking changes.
 */
final class ParquetTypes {
    static final TypeSupport SUPPORT = new TypeSupport() {
        @Override
        public boolean canWiden(DataType from, DataType to) {
            return ParquetTypes.canWiden(from, to);
        }
    };

    private ParquetTypes() {}

    static boolean canWiden(DataType from, DataType to) {
        if (from.equals(to)) {
            return true;
        }
        if (from == Scalar.INTEGER) {
            return to == Scalar.BIGINT || to == Scalar.DOUBLE;
        }
        return from == Scalar.FLOAT && to == Scalar.DOUBLE;
    }
}
