package io.sluice.sink.parquet;

import io.sluice.manifest.ConfigNode;
import io.sluice.schema.Column;
import io.sluice.sink.Queries;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkCapabilities;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TableSinkConfig;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.sluice.storage.S3Settings;
import io.sluice.storage.StoreLocation;

/**
 * {@code type: parquet}: Parquet files in Hive-style partition directories, one directory per table, on a local disk or
 * S3. Each table commits on its own through a ledger of entries written create-if-absent, which also fences a writer
 * that another one has replaced.
 */
public final class ParquetSinkProvider implements SinkProvider {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** A file name's limit on common file systems (the names are ASCII: bytes). */
    private static final int MAX_TABLE_NAME = 255;
    private static final long MAX_S3_FILE = 5L << 30;
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?",
            Pattern.CASE_INSENSITIVE);
    private static final Map<String, Transform> TRANSFORMS = new LinkedHashMap<>();
    private static final Map<String, Compression> CODECS = new LinkedHashMap<>();

    static {
        for (Transform t : Transform.values()) {
            TRANSFORMS.put(t.name().toLowerCase(Locale.ROOT), t);
        }
        for (Compression c : Compression.values()) {
            CODECS.put(c.name().toLowerCase(Locale.ROOT), c);
        }
    }

    @Override
    public String type() {
        return "parquet";
    }

    @Override
    public SinkConfig parse(ConfigNode node) {
        StoreLocation path = new StoreLocation.Local(java.nio.file.Path.of("lake"));
        if (node.requiredString("path", "a local directory or s3://bucket/prefix").isPresent()) {
            path = node.parsed("path", StoreLocation::parse).orElse(path);
        }
        hiveLikeFolder(path).ifPresent(folder -> node.warn("path", "has a folder named " + folder + ", which Hive-style"
                + " readers (DuckDB's hive_partitioning, Spark) take for a partition column of every table under it,"
                + " overriding a column of that name (sluice query does not)"));
        String table = TableSinkConfig.parseTable(node, ParquetSinkProvider::isTableName, "table directory name",
                "letters, digits, _, -, . and {topic}; not starting with _, - or .; at most " + MAX_TABLE_NAME + " characters");
        List<PartitionField> partitions = partitionBy(node);
        long target = size(node, "target_file_size", ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE);
        if (path instanceof StoreLocation.S3 && target > MAX_S3_FILE) {
            // one PUT carries a file: S3 takes at most 5 GiB in one
            node.error("target_file_size", String.format("%.1f GiB is more than the 5 GiB S3 takes in one upload (sink.path is"
                    + " on S3); use at most 5GiB (128MB to 1GB is what readers handle best)", target / (double) (1L << 30)));
        }
        int interval = node.intValue("commit_interval_ms", (int) ParquetSinkConfig.DEFAULT_COMMIT_INTERVAL.toMillis(), 0,
                86_400_000);
        Compression codec = node.choice("compression", Compression.ZSTD, CODECS);
        boolean merge = node.bool("merge_topics", false);
        Optional<S3Settings> s3 = node.mapping("s3").map(S3Settings::parse);
        if (s3.isPresent() && path instanceof StoreLocation.Local) {
            node.warn("s3", "has no effect: sink.path is a local directory (s3:// paths use it)");
        }
        return new ParquetSinkConfig(path, table, partitions, target, Duration.ofMillis(interval), codec, merge, s3);
    }


    /**
     * Reads {@code partition_by}: a list of {@code {column, transform}} (identity, year, month, day or hour), each
     * reported where it is wrong. Shared with the Delta sink.
     */
    public static List<PartitionField> partitionBy(ConfigNode node) {
        List<PartitionField> partitions = new ArrayList<>();
        java.util.Set<String> dirs = new java.util.HashSet<>();
        for (ConfigNode p : node.mappingList("partition_by")) {
            Optional<String> column = p.requiredString("column", "the column whose value names the partition directory");
            // a transform that is not allowed is reported once; the field is then not compared with the others
            Transform chosen = p.has("transform") ? p.choice("transform", null, TRANSFORMS) : Transform.IDENTITY;
            Transform t = chosen == null ? Transform.IDENTITY : chosen;
            p.finish();
            if (column.isPresent()) {
                PartitionField f = new PartitionField(column.get(), t);
                int keyBytes = Partitioner.utf8Length(Partitioner.dirKey(f));
                if (keyBytes > Partitioner.MAX_NAME_BYTES) {
                    p.error("column", "\"" + abbreviate(column.get()) + "\" (" + column.get().length() + " characters) is too"
                            + " long to name partition directories: escaped, it takes " + keyBytes + " bytes, at most "
                            + Partitioner.MAX_NAME_BYTES + " (a directory name <column>=<value> holds at most "
                            + Partitioner.MAX_SEGMENT_BYTES + " bytes)");
                } else if (chosen != null && !dirs.add(f.dirName().toLowerCase(Locale.ROOT))) {
                    p.error("column", "partitions by " + f.dirName() + " twice");
                } else {
                    partitions.add(f);
                }
            }
        }
        return partitions;
    }

    /** A name a table's directory can have: one path segment, never hidden or Sluice's own, short enough for any store. */
    public static boolean isTableName(String name) {
        return TABLE.matcher(name).matches() && name.length() <= MAX_TABLE_NAME;
    }

    /** The first folder name of {@code path} that looks like a Hive partition ({@code name=value}). */
    private static Optional<String> hiveLikeFolder(StoreLocation path) {
        List<String> names = new ArrayList<>();
        if (path instanceof StoreLocation.Local l) {
            l.directory().forEach(n -> names.add(n.toString()));
        } else if (path instanceof StoreLocation.S3 s3) {
            names.addAll(List.of(s3.prefix().split("/")));
        }
        return names.stream().filter(n -> n.indexOf('=') > 0).findFirst();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Reads a size such as {@code 128MB} at {@code key} (1KB to 1TB), reporting what is not one. */
    public static long size(ConfigNode node, String key, long fallback) {
        Optional<String> raw = node.string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(raw.get().strip());
        if (!m.matches()) {
            node.error(key, "\"" + raw.get() + "\" is not a size (examples: 128MB, 1GB, 64MiB)");
            return fallback;
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT).replace("I", "");
        long mult = switch (unit) {
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            default -> 1;
        };
        double bytes = Double.parseDouble(m.group(1)) * mult;
        if (bytes < 1024 || bytes > (1L << 40)) {
            node.error(key, "\"" + raw.get() + "\" is out of range (allowed: 1KB to 1TB)");
            return fallback;
        }
        return (long) bytes;
    }

    @Override
    public SinkCapabilities capabilities(SinkConfig config) {
        return ParquetSink.CAPABILITIES;
    }

    @Override
    public Sink open(SinkConfig config, String pipelineName) {
        return ParquetSink.open((ParquetSinkConfig) config, pipelineName);
    }

    @Override
    public List<StoredPosition> readPositions(SinkConfig config, String pipelineName) {
        try (Ledgers l = Ledgers.read((ParquetSinkConfig) config)) {
            return l.positions();
        }
    }

    @Override
    public Optional<List<Column>> readColumns(SinkConfig config, String table) {
        try (Ledgers l = Ledgers.read((ParquetSinkConfig) config)) {
            return l.columns(table);
        }
    }

    @Override
    public String createTableStatement(SinkConfig config, String table, List<Column> columns) {
        ParquetSinkConfig c = (ParquetSinkConfig) config;
        String parts = c.partitionBy().isEmpty() ? "" : "-- partitioned by "
                + String.join("/", c.partitionBy().stream().map(p -> Partitioner.dirKey(p) + "=...").toList()) + "\n";
        return "-- Parquet files under " + c.location() + "/" + table + "/\n" + parts + ParquetSchemas.message(columns);
    }

    @Override
    public Optional<Queries> openQueries(SinkConfig config, String pipelineName) {
        return Optional.of(ParquetQueries.open((ParquetSinkConfig) config, pipelineName));
    }
}
