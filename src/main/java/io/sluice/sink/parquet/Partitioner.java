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
 * Puts each row in its Hive-style partition directory ({@code name=value/...}), as {@code partition_by} says. Names and
 * values are escaped as Hive does, so any text makes one directory that readers decode back to the same text. A null
 * or missing value, an empty string, a value the transform cannot apply to, or one too long for a directory name goes
 * to {@link #DEFAULT_PARTITION}: a row is never dropped, and its file keeps the value.
 */
final class Partitioner {
    /** The directory value of a null: what Hive writes, and DuckDB's {@code hive_partitioning} reads back as NULL. */
    static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";
    /** The longest directory name ({@code name=value}, escaped, UTF-8) there can be: a file name's limit on common file systems. */
    static final int MAX_SEGMENT_BYTES = 255;
    /** The longest escaped {@code name} of a partition directory, so that values have room beside it. */
    static final int MAX_NAME_BYTES = 128;

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

    /** The escaped {@code name} of {@code field}'s directories ({@code name=value}). */
    static String dirKey(PartitionField field) {
        String key = escape(field.dirName());
        // readers skip names starting with '.' (hidden; Spark, Hadoop), and the stores keep ".sluice-" for themselves
        return key.startsWith(".") ? "%2E" + key.substring(1) : key;
    }

    private Segmenter segmenter(TableRows rows, PartitionField field) {
        String name = dirKey(field);
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
                String value = escapeValue(text);
                String segment = name + "=" + value;
                if (text.isEmpty()) {
                    segment = fallback;
                } else if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
                    warnOnce(rows.table() + "/" + field.column() + "/long", "table " + rows.table() + ": column "
                            + field.column() + " holds a value of " + utf8Length(text) + " bytes" + where(rows, r)
                            + ", too long for a partition directory name (" + name + "=<value> holds at most "
                            + MAX_SEGMENT_BYTES + " bytes); such rows go to partition " + fallback
                            + " and their files keep the value");
                    segment = fallback;
                }
                last[1] = segment;
            }
            return last[1];
        };
    }

    /**
     * A value as a directory names it: escaped, and never spelling what readers take for a null ({@code null} in any
     * case, which DuckDB reads as NULL, or {@link #DEFAULT_PARTITION}): those get their first character escaped, which
     * readers decode back. Unpaired surrogates become '?', as the value's UTF-8 in the file does.
     */
    static String escapeValue(String text) {
        String t = wellFormed(text);
        String e = escape(t);
        if (t.equalsIgnoreCase("null") || t.equals(DEFAULT_PARTITION)) {
            return String.format("%%%02X", (int) t.charAt(0)) + e.substring(1);
        }
        return e;
    }

    private static String wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return s;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** " (first in record topic/partition@offset)" when the rows carry Sluice's columns, else "". */
    private static String where(TableRows rows, int r) {
        int topic = columnIndex(rows.columns(), "_kafka_topic");
        int partition = columnIndex(rows.columns(), "_kafka_partition");
        int offset = columnIndex(rows.columns(), "_kafka_offset");
        if (topic < 0 || partition < 0 || offset < 0) {
            return "";
        }
        return " (first in record " + rows.column(topic).get(r) + "/" + rows.column(partition).get(r) + "@"
                + rows.column(offset).get(r) + ")";
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
            int fraction = (int) Math.floorMod(micros, 1_000_000L);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), 0, ZoneOffset.UTC);
            // always with seconds, and UTC's offset, also for readers whose session zone is another
            return String.format("%s %02d:%02d:%02d%s+00", t.toLocalDate(), t.getHour(), t.getMinute(), t.getSecond(),
                    fraction == 0 ? "" : String.format(".%06d", fraction));
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
