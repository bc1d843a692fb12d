package io.sluice.sink.delta;

import io.delta.kernel.Snapshot;
import io.sluice.manifest.ConfigNode;
import io.sluice.schema.Column;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkCapabilities;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TableMaintenance;
import io.sluice.sink.TableSinkConfig;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkProvider;
import io.sluice.storage.S3Settings;
import io.sluice.storage.StoreLocation;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code type: delta}: Delta Lake tables, one per table name under {@code path}, on a local disk or S3. Data files are
 * Parquet written by Sluice; commits, checkpoints and conflict checks go through Delta Kernel, and every commit carries
 * the table's positions.
 */
public final class DeltaSinkProvider implements SinkProvider {
    private static final long MAX_S3_FILE = 5L << 30;
    private static final Map<String, Compression> CODECS = new LinkedHashMap<>();

    static {
        for (Compression c : Compression.values()) {
            CODECS.put(c.name().toLowerCase(Locale.ROOT), c);
        }
    }

    @Override
    public String type() {
        return "delta";
    }

    @Override
    public SinkConfig parse(ConfigNode node) {
        StoreLocation path = new StoreLocation.Local(java.nio.file.Path.of("lake"));
        if (node.requiredString("path", "a local directory or s3://bucket/prefix").isPresent()) {
            path = node.parsed("path", StoreLocation::parse).orElse(path);
        }
        String table = TableSinkConfig.parseTable(node, ParquetSinkProvider::isTableName, "table directory name",
                "letters, digits, _, -, . and {topic}; not starting with _, - or .; at most 255 characters");
        List<PartitionField> partitions = ParquetSinkProvider.partitionBy(node);
        long target = ParquetSinkProvider.size(node, "target_file_size", DeltaSinkConfig.DEFAULT_TARGET_FILE_SIZE);
        if (path instanceof StoreLocation.S3 && target > MAX_S3_FILE) {
            node.error("target_file_size", String.format("%.1f GiB is more than the 5 GiB S3 takes in one upload (sink.path is"
                    + " on S3); use at most 5GiB (128MB to 1GB is what readers handle best)", target / (double) (1L << 30)));
        }
        int interval = node.intValue("commit_interval_ms", (int) DeltaSinkConfig.DEFAULT_COMMIT_INTERVAL.toMillis(), 0,
                86_400_000);
        Compression codec = node.choice("compression", Compression.ZSTD, CODECS);
        int checkpoint = node.intValue("checkpoint_interval", DeltaSinkConfig.DEFAULT_CHECKPOINT_INTERVAL, 1, 1_000_000);
        Map<String, String> properties = node.stringMap("table_properties");
        checkProperties(node, properties);
        boolean merge = node.bool("merge_topics", false);
        Optional<S3Settings> s3 = node.mapping("s3").map(S3Settings::parse);
        if (s3.isPresent() && path instanceof StoreLocation.Local) {
            node.warn("s3", "has no effect: sink.path is a local directory (s3:// paths use it)");
        }
        return new DeltaSinkConfig(path, table, partitions, target, Duration.ofMillis(interval), codec, checkpoint,
                properties, merge, s3);
    }

    /** Table properties that would make a table Sluice cannot write, or that Sluice sets itself. */
    private static void checkProperties(ConfigNode node, Map<String, String> properties) {
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String k = e.getKey();
            String v = e.getValue().strip().toLowerCase(Locale.ROOT);
            String where = "table_properties." + k;
            switch (k) {
                case "delta.columnMapping.mode" -> {
                    if (!v.equals("name")) {
                        node.error("table_properties", k + ": \"" + e.getValue() + "\" is not possible: Sluice creates tables"
                                + " with column mapping by name, which schema evolution needs (adding columns); leave it out");
                    }
                }
                case "delta.enableDeletionVectors", "delta.enableChangeDataFeed", "delta.enableRowTracking" -> {
                    if (v.equals("true")) {
                        node.error("table_properties", k + ": true needs a table feature Sluice cannot write yet; leave it"
                                + " out (Sluice appends files, so deletion vectors would stay unused)");
                    }
                }
                case "delta.checkpointInterval" -> node.error("table_properties", k + " is set by sink.checkpoint_interval;"
                        + " use that");
                default -> {
                    if (k.startsWith("delta.feature.")) {
                        String f = k.substring("delta.feature.".length());
                        if (!DeltaTables.WRITABLE_FEATURES.contains(f)) {
                            node.error("table_properties", k + ": Sluice cannot write tables with the " + f + " feature");
                        }
                    } else if (k.isBlank()) {
                        node.error("table_properties", "has an empty key (" + where + ")");
                    }
                }
            }
        }
    }

    static SinkCapabilities capabilities(DeltaSinkConfig config) {
        boolean widening = !"false".equalsIgnoreCase(config.tableProperties().getOrDefault("delta.enableTypeWidening", "true")
                .strip());
        return new SinkCapabilities(new DeltaTypes(widening), false, true);
    }

    @Override
    public SinkCapabilities capabilities(SinkConfig config) {
        return capabilities((DeltaSinkConfig) config);
    }

    @Override
    public Sink open(SinkConfig config, String pipelineName) {
        return DeltaSink.open((DeltaSinkConfig) config, pipelineName);
    }

    private static boolean exists(DeltaSinkConfig c) {
        return !(c.path() instanceof StoreLocation.Local l) || Files.isDirectory(l.directory());
    }

    @Override
    public List<StoredPosition> readPositions(SinkConfig config, String pipelineName) {
        DeltaSinkConfig c = (DeltaSinkConfig) config;
        List<StoredPosition> out = new ArrayList<>();
        if (!exists(c)) {
            return out;
        }
        try (DeltaStore delta = DeltaStore.open(c)) {
            for (String table : delta.tables()) {
                DeltaTables.load(delta, table).flatMap(s -> DeltaTables.positions(table, s))
                        .ifPresent(d -> out.addAll(d.positions()));
            }
        }
        return out;
    }

    @Override
    public Optional<List<Column>> readColumns(SinkConfig config, String table) {
        DeltaSinkConfig c = (DeltaSinkConfig) config;
        if (!exists(c)) {
            return Optional.empty();
        }
        try (DeltaStore delta = DeltaStore.open(c)) {
            for (String t : delta.tables()) {
                if (t.equalsIgnoreCase(table)) {
                    Optional<Snapshot> s = DeltaTables.load(delta, t);
                    return s.map(x -> DeltaTables.columns(t, x, c.partitionBy())).filter(x -> !x.isEmpty());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<io.sluice.sink.Queries> openQueries(SinkConfig config, String pipelineName) {
        return Optional.of(DeltaQueries.open((DeltaSinkConfig) config, pipelineName, Optional.empty()));
    }

    /**
     * The rows of a local table's current snapshot and their distinct {@code (_kafka_partition, _kafka_offset)} pairs,
     * as {@code sluice query} reads them (for {@code sluice bench}).
     */
    public static long[] countRows(java.nio.file.Path root, String table) {
        DeltaSinkConfig c = new DeltaSinkConfig(new StoreLocation.Local(root), table, List.of(),
                DeltaSinkConfig.DEFAULT_TARGET_FILE_SIZE, DeltaSinkConfig.DEFAULT_COMMIT_INTERVAL, Compression.ZSTD,
                DeltaSinkConfig.DEFAULT_CHECKPOINT_INTERVAL, Map.of(), false, Optional.empty());
        try (DeltaQueries q = DeltaQueries.open(c, "bench", Optional.empty())) {
            var r = q.run("SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM \"" + table.replace("\"", "\"\"")
                    + "\"");
            return new long[] {((Number) r.rows().get(0).get(0)).longValue(), ((Number) r.rows().get(0).get(1)).longValue()};
        }
    }

    @Override
    public Optional<TableMaintenance> openMaintenance(SinkConfig config, String pipelineName) {
        return Optional.of(DeltaMaintenance.open((DeltaSinkConfig) config, java.time.Clock.systemUTC()));
    }

    @Override
    public String createTableStatement(SinkConfig config, String table, List<Column> columns) {
        DeltaSinkConfig c = (DeltaSinkConfig) config;
        StringBuilder b = new StringBuilder("-- Delta table ").append(c.location()).append('/').append(table).append('\n');
        b.append("CREATE TABLE ").append(table).append(" (\n");
        List<Column> all = new ArrayList<>(columns);
        all.addAll(PartitionColumns.derivedColumns(c.partitionBy()));
        DeltaTypes types = new DeltaTypes(true);
        for (int i = 0; i < all.size(); i++) {
            Column col = all.get(i);
            b.append("  `").append(col.name().replace("`", "``")).append("` ")
                    .append(DeltaTypes.describe(DeltaTypes.delta(types.stored(col.type()))))
                    .append(i + 1 < all.size() ? ",\n" : "\n");
        }
        b.append(") USING DELTA");
        List<String> parts = PartitionColumns.names(c.partitionBy());
        if (!parts.isEmpty()) {
            b.append(" PARTITIONED BY (").append(String.join(", ", parts)).append(')');
        }
        Map<String, String> props = DeltaTables.createProperties(c);
        b.append("\nTBLPROPERTIES (");
        List<String> kv = new ArrayList<>();
        props.forEach((k, v) -> kv.add("'" + k + "' = '" + v + "'"));
        return b.append(String.join(", ", kv)).append(")").toString();
    }
}
