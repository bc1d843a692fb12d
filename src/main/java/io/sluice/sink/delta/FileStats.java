package io.sluice.sink.delta;

import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * A data file's Delta statistics (row count; minimum, maximum and null count per column), taken from the Parquet
 * footer parquet-java wrote: nothing is computed per row. Only the columns Kernel asks for (the first 32 leaves,
 * {@code delta.dataSkippingNumIndexedCols}) and only bounds that are exact: strings longer than 32 characters get
 * a minimum of their first 32 and no maximum; booleans and binaries get null counts only.
 */
final class FileStats {
    static final int STRING_PREFIX = 32;

    private FileStats() {}

    static DataFileStatistics of(ParquetMetadata footer, StructType physicalSchema, List<Column> wanted) {
        Set<Column> want = new HashSet<>(wanted);
        Map<Column, Literal> min = new HashMap<>();
        Map<Column, Literal> max = new HashMap<>();
        Map<Column, Long> nulls = new HashMap<>();
        Set<Column> noBounds = new HashSet<>();
        long rows = 0;
        for (BlockMetaData block : footer.getBlocks()) {
            rows += block.getRowCount();
        }
        for (BlockMetaData block : footer.getBlocks()) {
            for (ColumnChunkMetaData chunk : block.getColumns()) {
                Column col = new Column(chunk.getPath().toArray());
                if (!want.contains(col)) {
                    continue; // lists' and maps' leaves are not asked for: their paths hold list/element, key_value/...
                }
                DataType type = leafType(physicalSchema, chunk.getPath().toArray());
                Statistics<?> st = chunk.getStatistics();
                if (st == null || st.isEmpty() || !st.isNumNullsSet()) {
                    nulls.remove(col);
                    noBounds.add(col);
                    continue;
                }
                nulls.merge(col, st.getNumNulls(), Long::sum);
                if (noBounds.contains(col) || !st.hasNonNullValue()) {
                    continue;
                }
                Optional<Literal[]> bounds = bounds(type, st);
                if (bounds.isEmpty()) {
                    noBounds.add(col);
                    min.remove(col);
                    max.remove(col);
                    continue;
                }
                Literal lo = bounds.get()[0];
                Literal hi = bounds.get()[1];
                min.merge(col, lo, (a, b) -> compare(a, b) <= 0 ? a : b);
                if (hi == null) {
                    max.remove(col);
                    noBounds.add(col); // no exact maximum for one row group: none for the file
                } else {
                    max.merge(col, hi, (a, b) -> compare(a, b) >= 0 ? a : b);
                }
            }
        }
        for (Column c : noBounds) {
            max.remove(c);
        }
        // columns of the table the file does not have (added after it was written) are all null in it
        for (Column c : wanted) {
            if (!nulls.containsKey(c) && !present(footer, c)) {
                nulls.put(c, rows);
            }
        }
        return new DataFileStatistics(rows, min, max, nulls, Optional.empty());
    }

    private static boolean present(ParquetMetadata footer, Column c) {
        return footer.getFileMetaData().getSchema().containsPath(c.getNames());
    }

    private static DataType leafType(StructType schema, String[] path) {
        DataType at = schema;
        for (String name : path) {
            if (!(at instanceof StructType s)) {
                return null;
            }
            StructField f = s.fields().stream().filter(x -> x.getName().equals(name)).findFirst().orElse(null);
            if (f == null) {
                return null;
            }
            at = f.getDataType();
        }
        return at;
    }

    /** {min, max} as Literals of {@code type}; max null when no exact one; empty when no bounds are kept. */
    private static Optional<Literal[]> bounds(DataType type, Statistics<?> st) {
        Object lo = st.genericGetMin();
        Object hi = st.genericGetMax();
        if (type instanceof IntegerType) {
            return Optional.of(new Literal[] {Literal.ofInt((Integer) lo), Literal.ofInt((Integer) hi)});
        }
        if (type instanceof LongType) {
            return Optional.of(new Literal[] {Literal.ofLong((Long) lo), Literal.ofLong((Long) hi)});
        }
        if (type instanceof DateType) {
            return Optional.of(new Literal[] {Literal.ofDate((Integer) lo), Literal.ofDate((Integer) hi)});
        }
        if (type instanceof TimestampType) {
            return Optional.of(new Literal[] {Literal.ofTimestamp((Long) lo), Literal.ofTimestamp((Long) hi)});
        }
        if (type instanceof FloatType) {
            float a = (Float) lo;
            float b = (Float) hi;
            return Float.isNaN(a) || Float.isNaN(b) ? Optional.empty()
                    : Optional.of(new Literal[] {Literal.ofFloat(a), Literal.ofFloat(b)});
        }
        if (type instanceof DoubleType) {
            double a = (Double) lo;
            double b = (Double) hi;
            return Double.isNaN(a) || Double.isNaN(b) ? Optional.empty()
                    : Optional.of(new Literal[] {Literal.ofDouble(a), Literal.ofDouble(b)});
        }
        if (type instanceof StringType) {
            String a = utf8(lo);
            String b = utf8(hi);
            Literal max = b.codePointCount(0, b.length()) <= STRING_PREFIX ? Literal.ofString(b) : null;
            return Optional.of(new Literal[] {Literal.ofString(prefix(a)), max});
        }
        if (type instanceof DecimalType d) {
            BigDecimal a = decimal(lo, d.getScale());
            BigDecimal b = decimal(hi, d.getScale());
            return a == null || b == null ? Optional.empty() : Optional.of(new Literal[] {
                    Literal.ofDecimal(a, d.getPrecision(), d.getScale()), Literal.ofDecimal(b, d.getPrecision(), d.getScale())});
        }
        return Optional.empty();
    }

    private static String utf8(Object binary) {
        return new String(((org.apache.parquet.io.api.Binary) binary).getBytes(), StandardCharsets.UTF_8);
    }

    /** The first {@link #STRING_PREFIX} code points: never above the value, so a valid minimum. */
    private static String prefix(String s) {
        if (s.codePointCount(0, s.length()) <= STRING_PREFIX) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, STRING_PREFIX));
    }

    private static BigDecimal decimal(Object v, int scale) {
        if (v instanceof Integer i) {
            return BigDecimal.valueOf(i, scale);
        }
        if (v instanceof Long l) {
            return BigDecimal.valueOf(l, scale);
        }
        if (v instanceof org.apache.parquet.io.api.Binary b) {
            return new BigDecimal(new BigInteger(b.getBytes()), scale);
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Literal a, Literal b) {
        Object x = a.getValue();
        Object y = b.getValue();
        if (x instanceof String s && y instanceof String t) {
            // Delta compares strings by UTF-8 bytes, as Parquet does
            return Arrays.compareUnsigned(s.getBytes(StandardCharsets.UTF_8), t.getBytes(StandardCharsets.UTF_8));
        }
        return ((Comparable) x).compareTo(y);
    }
}
