package io.sluice.sink.parquet;

import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.ColumnValues;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Puts each row in its Hive-style partition directory ({@code name=value/...}), as {@code partition_by} says. A null or
 * missing value, or a value the transform cannot apply to, goes to {@link #DEFAULT_PARTITION}: a row is never dropped.
 */
final class Partitioner {
    /** The directory value of a null: what Hive writes, and DuckDB's {@code hive_partitioning} reads back as NULL. */
    static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    private final List<PartitionField> fields;
    private final Consumer<String> warnings;
    private final Set<String> warned = new HashSet<>();

    Partitioner(List<PartitionField> fields, Consumer<String> warnings) {
        this.fields = fields;
        this.warnings = warnings;
    }

    boolean partitioned() {
        return !fields.isEmpty();
    }

    /** The rows' directories (relative, '/'-separated, "" when unpartitioned) and, per row, the index of its one. */
    record Assignment(List<String> dirs, int[] rowDir) {}

    Assignment assign(TableRows rows) {
        int n = rows.size();
        int[] rowDir = new int[n];
        if (fields.isEmpty()) {
            return new Assignment(List.of(""), rowDir);
        }
        Segmenter[] segs = new Segmenter[fields.size()];
        for (int f = 0; f < segs.length; f++) {
            segs[f] = segmenter(rows, fields.get(f));
        }
        List<String> dirs = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        String[] prev = new String[segs.length];
        String[] cur = new String[segs.length];
        int prevDir = -1;
        for (int r = 0; r < n; r++) {
            boolean same = prevDir >= 0;
            for (int f = 0; f < segs.length; f++) {
                cur[f] = segs[f].segment(r);
                same &= cur[f] == prev[f]; // segmenters return the same String for the same value
            }
            if (!same) {
                String dir = String.join("/", cur);
                prevDir = index.computeIfAbsent(dir, d -> {
                    dirs.add(d);
                    return dirs.size() - 1;
                });
                String[] swap = prev;
                prev = cur;
                cur = swap;
            }
            rowDir[r] = prevDir;
        }
        return new Assignment(dirs, rowDir);
    }

    /** The directory segment of one row; the same String instance for consecutive equal values. */
    private interface Segmenter {
        String segment(int row);
    }

    private Segmenter segmenter(TableRows rows, PartitionField field) {
        String name = field.dirName();
        String fallback = name + "=" + DEFAULT_PARTITION;
        int c = columnIndex(rows.columns(), field.column());
        if (c < 0) {
            warnOnce(rows.table() + "/" + field.column(), "table " + rows.table() + " has no column " + field.column()
                    + " (sink.partition_by): its rows go to partition " + fallback);
            return r -> fallback;
        }
        ColumnValues v = rows.column(c);
        DataType type = rows.columns().get(c).type();
        if (field.transform() != Transform.IDENTITY) {
            boolean timestamp = type == Scalar.TIMESTAMP;
            boolean date = type == Scalar.DATE && field.transform() != Transform.HOUR;
            if (!timestamp && !date) {
                warnOnce(rows.table() + "/" + field.column() + "/" + field.transform(), "table " + rows.table() + ": column "
                        + field.column() + " is " + type.describe() + ", which the " + field.transform().name().toLowerCase(Locale.ROOT)
                        + " transform cannot apply to (it needs a TIMESTAMP" + (field.transform() == Transform.HOUR ? "" : " or DATE")
                        + "); its rows go to partition " + fallback);
                return r -> fallback;
            }
            LongCache cache = new LongCache(name, field.transform());
            return r -> {
                if (v.isNull(r)) {
                    return fallback;
                }
                return cache.segment(timestamp ? v.getLong(r) : v.getInt(r) * 86_400_000_000L);
            };
        }
        if (!(type instanceof Scalar) && !(type instanceof Decimal) || type == Scalar.BLOB || type == Scalar.JSON) {
            warnOnce(rows.table() + "/" + field.column() + "/identity", "table " + rows.table() + ": column " + field.column()
                    + " is " + type.describe() + ", which cannot name a partition directory; its rows go to partition " + fallback);
            return r -> fallback;
        }
        String[] last = new String[2]; // value text, segment
        return r -> {
            if (v.isNull(r)) {
                return fallback;
            }
            String text = text(type, v, r);
            if (!text.equals(last[0])) {
                last[0] = text;
                last[1] = name + "=" + (text.isEmpty() ? DEFAULT_PARTITION : escape(text));
            }
            return last[1];
        };
    }

    /** The directory segment for a timestamp (micros) truncated by a transform, cached while the unit repeats. */
    private static final class LongCache {
        final String name;
        final Transform transform;
        final long unit;
        long lastUnit = Long.MIN_VALUE;
        String last;

        LongCache(String name, Transform transform) {
            this.name = name;
            this.transform = transform;
            this.unit = transform == Transform.HOUR ? 3_600_000_000L : 86_400_000_000L;
        }

        String segment(long micros) {
            long u = Math.floorDiv(micros, unit);
            if (u != lastUnit || last == null) {
                lastUnit = u;
                LocalDateTime t = LocalDateTime.ofEpochSecond(u * (unit / 1_000_000L), 0, ZoneOffset.UTC);
                String value = switch (transform) {
                    case YEAR -> String.format("%04d", t.getYear());
                    case MONTH -> String.format("%04d-%02d", t.getYear(), t.getMonthValue());
                    case DAY -> t.toLocalDate().toString();
                    case HOUR -> String.format("%s-%02d", t.toLocalDate(), t.getHour());
                    case IDENTITY -> throw new IllegalStateException();
                };
                last = name + "=" + value;
            }
            return last;
        }
    }

    private static String text(DataType type, ColumnValues v, int r) {
        if (type == Scalar.TIMESTAMP) {
            long micros = v.getLong(r);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
            return t.toLocalDate() + " " + t.toLocalTime();
        }
        if (type == Scalar.DATE) {
            return LocalDate.ofEpochDay(v.getInt(r)).toString();
        }
        Object o = v.get(r);
        return o instanceof java.math.BigDecimal d ? d.toPlainString() : o.toString();
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            warnings.accept(message);
        }
    }

    private static int columnIndex(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Hive's escaping of partition values: the characters it escapes as %XX (upper-case hex). */
    static String escape(String value) {
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean esc = c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
            if (esc) {
                if (b == null) {
                    b = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                b.append('%').append(String.format("%02X", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? value : b.toString();
    }
}
