package io.sluice.sink.delta;

import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.TimestampType;
import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.ColumnValues;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Delta table's partition columns as {@code partition_by} makes them. A column partitions the table itself
 * (identity); a year, month, day or hour of a timestamp (or date) column is a column of its own, {@code <column>_year}
 * INTEGER, {@code <column>_month} DATE (the month's first day), {@code <column>_day} DATE or {@code <column>_hour}
 * TIMESTAMP (the hour's start, UTC), which Sluice fills in. As Delta does, partition columns' values are kept in the log,
 * not in the data files.
 */
final class PartitionColumns {
    /** One partition column: its name in the table, where its value comes from, and its Delta type. */
    record Part(String name, PartitionField field, int source, io.delta.kernel.types.DataType type, boolean derived) {}

    private final List<Part> parts;

    private PartitionColumns(List<Part> parts) {
        this.parts = parts;
    }

    static String derivedName(PartitionField f) {
        return f.column() + "_" + f.transform().name().toLowerCase(Locale.ROOT);
    }

    /** The derived columns {@code fields} add to a table whose rows have {@code columns}, as Sluice columns. */
    static List<Column> derivedColumns(List<PartitionField> fields) {
        List<Column> out = new ArrayList<>();
        for (PartitionField f : fields) {
            if (f.transform() != Transform.IDENTITY) {
                DataType t = switch (f.transform()) {
                    case YEAR -> Scalar.INTEGER;
                    case MONTH, DAY -> Scalar.DATE;
                    case HOUR -> Scalar.TIMESTAMP;
                    case IDENTITY -> throw new IllegalStateException();
                };
                out.add(new Column(derivedName(f), t));
            }
        }
        return out;
    }

    /** The partition column names of a table partitioned by {@code fields}, in order. */
    static List<String> names(List<PartitionField> fields) {
        return fields.stream().map(f -> f.transform() == Transform.IDENTITY ? f.column() : derivedName(f)).toList();
    }

    /**
     * The partition columns for rows of {@code table} with {@code columns}; a {@code partition_by} column the rows do not
     * have, or one whose type cannot partition, stops the batch naming it.
     */
    static PartitionColumns of(String table, List<PartitionField> fields, List<Column> columns) {
        List<Part> parts = new ArrayList<>();
        for (PartitionField f : fields) {
            int c = index(columns, f.column());
            if (c < 0) {
                throw new CheckFailedException(Stage.WRITE, "table " + table + " has no column " + f.column()
                        + ", which sink.partition_by names: a Delta table's partition columns are fixed when it is created,"
                        + " so its first rows must have it. Nothing of this batch was written; fix sink.partition_by or"
                        + " the data");
            }
            DataType type = columns.get(c).type();
            if (f.transform() == Transform.IDENTITY) {
                boolean ok = type instanceof Decimal || type instanceof Scalar s && s != Scalar.BLOB;
                if (!ok) {
                    throw new CheckFailedException(Stage.WRITE, "table " + table + ": column " + f.column() + " is "
                            + type.describe() + ", which cannot partition a Delta table (sink.partition_by); partition by"
                            + " a column of a scalar type, or by a part of a timestamp (transform: day)");
                }
                parts.add(new Part(columns.get(c).name(), f, c, DeltaTypes.delta(type), false));
            } else {
                boolean ok = type == Scalar.TIMESTAMP || type == Scalar.DATE && f.transform() != Transform.HOUR;
                if (!ok) {
                    throw new CheckFailedException(Stage.WRITE, "table " + table + ": column " + f.column() + " is "
                            + type.describe() + ", which the " + f.transform().name().toLowerCase(Locale.ROOT)
                            + " transform of sink.partition_by cannot apply to (it needs a TIMESTAMP"
                            + (f.transform() == Transform.HOUR ? "" : " or DATE") + ")");
                }
                io.delta.kernel.types.DataType t = switch (f.transform()) {
                    case YEAR -> IntegerType.INTEGER;
                    case MONTH, DAY -> DateType.DATE;
                    default -> TimestampType.TIMESTAMP;
                };
                if (index(columns, derivedName(f)) >= 0) {
                    throw new CheckFailedException(Stage.WRITE, "table " + table + " has a column " + derivedName(f)
                            + " of its own, the name sink.partition_by's " + f.transform().name().toLowerCase(Locale.ROOT)
                            + " of " + f.column() + " gives its partition column; rename that column or partition otherwise");
                }
                parts.add(new Part(derivedName(f), f, c, t, true));
            }
        }
        return new PartitionColumns(parts);
    }

    boolean partitioned() {
        return !parts.isEmpty();
    }

    List<Part> parts() {
        return parts;
    }

    /** Whether column {@code c} of the rows partitions the table itself (identity): such columns are not in data files. */
    boolean identity(int c) {
        for (Part p : parts) {
            if (!p.derived() && p.source() == c) {
                return true;
            }
        }
        return false;
    }

    /** What row {@code r} partitions by: equal for rows of one partition. */
    Object key(TableRows rows, int r) {
        if (parts.size() == 1) {
            return value(parts.get(0), rows, r);
        }
        Object[] k = new Object[parts.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = value(parts.get(i), rows, r);
        }
        return Arrays.asList(k);
    }

    /** Row {@code r}'s partition values by column name, as Kernel takes them. */
    Map<String, Literal> literals(TableRows rows, int r) {
        Map<String, Literal> out = new LinkedHashMap<>();
        for (Part p : parts) {
            Object v = value(p, rows, r);
            out.put(p.name(), v == null ? Literal.ofNull(p.type()) : literal(p.type(), v));
        }
        return out;
    }

    private static final Object NULL = new Object();

    /** The partition value (boxed; null for a null), derived by the transform. */
    private static Object value(Part p, TableRows rows, int r) {
        ColumnValues v = rows.column(p.source());
        if (v.isNull(r)) {
            return null;
        }
        if (!p.derived()) {
            return v.get(r);
        }
        DataType t = rows.columns().get(p.source()).type();
        long micros = t == Scalar.TIMESTAMP ? v.getLong(r) : v.getInt(r) * 86_400_000_000L;
        long day = Math.floorDiv(micros, 86_400_000_000L);
        return switch (p.field().transform()) {
            case YEAR -> LocalDate.ofEpochDay(day).getYear();
            case MONTH -> (int) LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay();
            case DAY -> (int) day;
            case HOUR -> Math.floorDiv(micros, 3_600_000_000L) * 3_600_000_000L;
            case IDENTITY -> throw new IllegalStateException();
        };
    }

    private static Literal literal(io.delta.kernel.types.DataType type, Object v) {
        if (type instanceof IntegerType) {
            return Literal.ofInt((Integer) v);
        }
        if (type instanceof DateType) {
            return Literal.ofDate(v instanceof LocalDate d ? (int) d.toEpochDay() : (Integer) v);
        }
        if (type instanceof TimestampType) {
            return Literal.ofTimestamp(v instanceof java.time.Instant i
                    ? Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000) : (Long) v);
        }
        if (type instanceof io.delta.kernel.types.LongType) {
            return Literal.ofLong((Long) v);
        }
        if (type instanceof io.delta.kernel.types.BooleanType) {
            return Literal.ofBoolean((Boolean) v);
        }
        if (type instanceof io.delta.kernel.types.FloatType) {
            return Literal.ofFloat((Float) v);
        }
        if (type instanceof io.delta.kernel.types.DoubleType) {
            return Literal.ofDouble((Double) v);
        }
        if (type instanceof io.delta.kernel.types.DecimalType d) {
            return Literal.ofDecimal((BigDecimal) v, d.getPrecision(), d.getScale());
        }
        return Literal.ofString(v.toString());
    }

    private static int index(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    static ZoneOffset utc() {
        return ZoneOffset.UTC;
    }
}
