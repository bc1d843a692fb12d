package io.sluice.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.MapValue;
import io.sluice.sink.Batch;
import io.sluice.sink.FencedException;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.StoreLocation;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet sink through the Sink API on a local directory, read back by DuckDB and parquet-java's footer reader. */
class ParquetSinkIT {
    @TempDir
    Path dir;

    private final TopicPartition p0 = new TopicPartition("events", 0);

    private ParquetSinkConfig config(List<PartitionField> partitions, long target, Duration interval) {
        return new ParquetSinkConfig(new StoreLocation.Local(dir), "{topic}", partitions, target, interval, Compression.ZSTD,
                false, Optional.empty());
    }

    private ParquetSinkConfig config() {
        return config(List.of(), ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE, Duration.ofHours(1));
    }

    private static List<TablePosition> at(TopicPartition p, long next) {
        return List.of(new TablePosition("events", p, next, Optional.of("topic-id-1")));
    }

    private static TableRows ids(String table, int from, int count) {
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("name", Scalar.VARCHAR));
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(new Object[] {(long) i, "name-" + i});
        }
        return TableRows.of(table, cols, rows);
    }

    private List<List<Object>> query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v == null ? null : v instanceof Number || v instanceof Boolean ? v : rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    private String glob(String table) {
        return "'" + dir.resolve(table) + "/**/*.parquet'";
    }

    private List<Path> dataFiles(String table) throws Exception {
        if (!Files.isDirectory(dir.resolve(table))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir.resolve(table))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    @Test
    void everyTypeRoundTripsThroughDuckDbAndTheFooterSaysWhatReadersExpect() throws Exception {
        Struct point = new Struct(List.of(new Field("x", Scalar.DOUBLE), new Field("label", Scalar.VARCHAR)));
        List<Column> cols = List.of(
                new Column("b", Scalar.BOOLEAN), new Column("i", Scalar.INTEGER), new Column("l", Scalar.BIGINT),
                new Column("f", Scalar.FLOAT), new Column("d", Scalar.DOUBLE), new Column("s", Scalar.VARCHAR),
                new Column("j", Scalar.JSON), new Column("ts", Scalar.TIMESTAMP), new Column("day", Scalar.DATE),
                new Column("tm", Scalar.TIME), new Column("u", Scalar.UUID), new Column("blob", Scalar.BLOB),
                new Column("d9", new Decimal(9, 2)), new Column("d18", new Decimal(18, 4)), new Column("d38", new Decimal(38, 10)),
                new Column("tags", new ListOf(Scalar.VARCHAR)), new Column("attrs", new MapOf(Scalar.VARCHAR, Scalar.BIGINT)),
                new Column("pt", point), new Column("nested", new ListOf(point)));
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        Map<String, Object> pt = new LinkedHashMap<>();
        pt.put("x", 1.5);
        pt.put("label", "ü-ß");
        Map<String, Object> ptNull = new LinkedHashMap<>();
        ptNull.put("x", null);
        ptNull.put("label", "n");
        Map<Object, Object> attrs = new LinkedHashMap<>();
        attrs.put("a", 1L);
        attrs.put("b", null);
        Object[] full = {true, 7, 1L << 40, 2.5f, -0.125, "héllo", "{\"k\": [1, 2]}", Instant.parse("2026-12-02T10:15:30.123456Z"),
                LocalDate.of(2026, 12, 2), LocalTime.of(23, 59, 58, 999_999_000), uuid, new byte[] {0, 1, (byte) 0xFF},
                new BigDecimal("-1234567.89"), new BigDecimal("12345678901234.5678"),
                new BigDecimal("-1234567890123456789012345678.0123456789"), java.util.Arrays.asList("x", null, "z"),
                new MapValue(attrs), pt, List.of(pt, ptNull)};
        Object[] nulls = new Object[cols.size()];
        Object[] empties = nulls.clone();
        empties[15] = List.of();
        empties[16] = new MapValue(Map.of());
        TableRows rows = TableRows.of("events", cols, List.of(full, nulls, empties));
        try (ParquetSink sink = ParquetSink.open(config(), "pipe")) {
            sink.write(new Batch(0, List.of(rows), at(p0, 3)));
            assertThat(sink.flush()).isEqualTo(0);
        }
        List<List<Object>> got = query("SET TimeZone = 'UTC'; SELECT b, i, l, f, d, s, j::VARCHAR, ts::VARCHAR, day::VARCHAR,"
                + " tm::VARCHAR, u::VARCHAR, hex(blob), d9::VARCHAR, d18::VARCHAR, d38::VARCHAR, tags::VARCHAR, attrs::VARCHAR,"
                + " pt::VARCHAR, nested::VARCHAR, typeof(ts), typeof(j), typeof(u), typeof(d38), typeof(tm)"
                + " FROM read_parquet(" + glob("events") + ") ORDER BY i NULLS LAST, tags NULLS LAST");
        assertThat(got).hasSize(3);
        assertThat(got.get(0)).containsExactly(true, 7, 1L << 40, 2.5f, -0.125, "héllo", "{\"k\": [1, 2]}",
                "2026-12-02 10:15:30.123456+00", "2026-12-02", "23:59:58.999999", uuid.toString(), "0001FF", "-1234567.89",
                "12345678901234.5678", "-1234567890123456789012345678.0123456789", "[x, NULL, z]", "{a=1, b=NULL}",
                "{'x': 1.5, 'label': ü-ß}", "[{'x': 1.5, 'label': ü-ß}, {'x': NULL, 'label': n}]",
                "TIMESTAMP WITH TIME ZONE", "JSON", "UUID", "DECIMAL(38,10)", "TIME");
        assertThat(got.get(2).subList(0, 19)).containsOnlyNulls().hasSize(19);
        assertThat(got).anySatisfy(r -> assertThat(r.subList(15, 17)).containsExactly("[]", "{}"));

        Path file = dataFiles("events").get(0);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            ParquetMetadata footer = reader.getFooter();
            MessageType schema = footer.getFileMetaData().getSchema();
            assertThat(schema.getType("ts").getLogicalTypeAnnotation())
                    .isEqualTo(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
            assertThat(schema.getType("ts").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveType.PrimitiveTypeName.INT64);
            assertThat(schema.getType("d9").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveType.PrimitiveTypeName.INT32);
            assertThat(schema.getType("d18").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveType.PrimitiveTypeName.INT64);
            assertThat(schema.getType("d38").asPrimitiveType().getPrimitiveTypeName())
                    .isEqualTo(PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
            assertThat(schema.getType("d38").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.decimalType(10, 38));
            assertThat(schema.getType("u").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.uuidType());
            assertThat(schema.getType("j").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.jsonType());
            assertThat(schema.getType("s").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
            assertThat(schema.getType("tags").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());
            assertThat(schema.getType("tags").asGroupType().getType(0).getName()).isEqualTo("list");
            assertThat(schema.getType("attrs").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.mapType());
            assertThat(schema.getType("attrs").asGroupType().getType(0).getName()).isEqualTo("key_value");
            assertThat(footer.getBlocks().get(0).getRowCount()).isEqualTo(3);
            ColumnChunkMetaData l = footer.getBlocks().get(0).getColumns().stream()
                    .filter(c -> c.getPath().toDotString().equals("l")).findFirst().orElseThrow();
            Statistics<?> stats = l.getStatistics();
            assertThat(stats.hasNonNullValue()).isTrue();
            assertThat(stats.genericGetMin()).isEqualTo(1L << 40);
            assertThat(stats.getNumNulls()).isEqualTo(2);
            assertThat(l.getCodec().name()).isEqualTo("ZSTD");
        }
    }

    @Test
    void rowsGoToHiveStylePartitionsAndNullOrMissingValuesToTheDefaultPartition() throws Exception {
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("_kafka_timestamp", Scalar.TIMESTAMP),
                new Column("region", Scalar.VARCHAR));
        List<Object[]> rows = List.of(
                new Object[] {1L, Instant.parse("2026-12-01T23:59:59Z"), "eu/west"},
                new Object[] {2L, Instant.parse("2026-12-02T00:00:00Z"), "eu/west"},
                new Object[] {3L, null, "us:east"},
                new Object[] {4L, Instant.parse("2026-12-02T05:00:00Z"), null});
        ParquetSinkConfig c = config(List.of(new PartitionField("_kafka_timestamp", Transform.DAY),
                new PartitionField("region", Transform.IDENTITY), new PartitionField("missing", Transform.IDENTITY)),
                ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(TableRows.of("events", cols, rows)), at(p0, 4)));
            sink.flush();
        }
        List<String> dirs = dataFiles("events").stream().map(f -> dir.resolve("events").relativize(f.getParent()).toString())
                .sorted().toList();
        assertThat(dirs).containsExactly(
                "_kafka_timestamp_day=2026-12-01/region=eu%2Fwest/missing=__HIVE_DEFAULT_PARTITION__",
                "_kafka_timestamp_day=2026-12-02/region=__HIVE_DEFAULT_PARTITION__/missing=__HIVE_DEFAULT_PARTITION__",
                "_kafka_timestamp_day=2026-12-02/region=eu%2Fwest/missing=__HIVE_DEFAULT_PARTITION__",
                "_kafka_timestamp_day=__HIVE_DEFAULT_PARTITION__/region=us%3Aeast/missing=__HIVE_DEFAULT_PARTITION__");
        assertThat(query("SELECT id, _kafka_timestamp_day::VARCHAR, region, missing FROM read_parquet(" + glob("events")
                + ", hive_partitioning = true) ORDER BY id")).containsExactly(
                row(1L, "2026-12-01", "eu/west", null),
                row(2L, "2026-12-02", "eu/west", null),
                row(3L, null, "us:east", null),
                row(4L, "2026-12-02", null, null));
    }

    private static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }

    @Test
    void filesRollAtTheTargetSizeAndAreCommittedOnlyAtFlush() throws Exception {
        ParquetSinkConfig c = config(List.of(), 64 * 1024, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            assertThat(sink.write(new Batch(0, List.of(ids("events", 0, 50_000)), at(p0, 50_000)))).isEqualTo(-1);
            assertThat(sink.flushDue()).isFalse();
            assertThat(dataFiles("events")).as("rolled files are in place before the commit").hasSizeGreaterThan(1);
            try (Ledgers l = Ledgers.read(c)) {
                assertThat(l.positions()).isEmpty();
                assertThat(l.committedFiles("events")).isEmpty();
            }
            assertThat(sink.columns("events")).contains(ids("events", 0, 1).columns());
            assertThat(sink.write(new Batch(1, List.of(ids("events", 50_000, 10)), at(p0, 50_010)))).isEqualTo(-1);
            assertThat(sink.flush()).isEqualTo(1);
        }
        List<Path> files = dataFiles("events");
        assertThat(files).hasSizeGreaterThan(2);
        for (Path f : files) {
            assertThat(Files.size(f)).isLessThan(4 * 64 * 1024);
        }
        assertThat(query("SELECT count(*), count(DISTINCT id), max(id) FROM read_parquet(" + glob("events") + ")"))
                .containsExactly(row(50_010L, 50_010L, 50_009L));
        try (Ledgers l = Ledgers.read(c)) {
            assertThat(l.committedFiles("events")).hasSize(files.size());
            assertThat(l.positions()).containsExactly(new StoredPosition(at(p0, 50_010).get(0), "pipe"));
        }
    }

    @Test
    void openFilesOfManyPartitionsStayWithinTheMemoryBudgetAndNothingIsLost() throws Exception {
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("bucket", Scalar.VARCHAR),
                new Column("payload", Scalar.VARCHAR));
        ParquetSinkConfig c = config(List.of(new PartitionField("bucket", Transform.IDENTITY)),
                ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE, Duration.ofHours(1));
        long budget = 256 << 10;
        int batches = 5;
        int perBatch = 10_000;
        try (ParquetSink sink = ParquetSink.open(c, "pipe", budget)) {
            for (int b = 0; b < batches; b++) {
                List<Object[]> rows = new ArrayList<>();
                for (int i = b * perBatch; i < (b + 1) * perBatch; i++) {
                    rows.add(new Object[] {(long) i, "b" + (i % 50), UUID.nameUUIDFromBytes(("r" + i).getBytes()).toString()});
                }
                sink.write(new Batch(b, List.of(TableRows.of("events", cols, rows)), at(p0, (long) (b + 1) * perBatch)));
                assertThat(sink.buffered()).as("bytes the open files hold after batch %d", b).isLessThanOrEqualTo(budget);
            }
            sink.flush();
        }
        assertThat(dataFiles("events").size()).as("files rolled early").isGreaterThan(50);
        assertThat(query("SELECT count(*), count(DISTINCT id), count(DISTINCT bucket) FROM read_parquet(" + glob("events")
                + ", hive_partitioning = true)")).containsExactly(row((long) batches * perBatch, (long) batches * perBatch, 50L));
    }

    @Test
    void theCommitIntervalMakesAFlushDue() {
        try (ParquetSink sink = ParquetSink.open(config(List.of(), 1 << 20, Duration.ZERO), "pipe")) {
            assertThat(sink.flushDue()).isFalse();
            sink.write(new Batch(0, List.of(ids("events", 0, 10)), at(p0, 10)));
            assertThat(sink.flushDue()).isTrue();
            assertThat(sink.flush()).isEqualTo(0);
            assertThat(sink.flushDue()).isFalse();
        }
    }

    @Test
    void filesNoCommitListsAreRemovedAtTheNextOpenAndPositionsSurviveARestart() throws Exception {
        ParquetSinkConfig c = config(List.of(), 64 * 1024, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(ids("events", 0, 1000)), at(p0, 1000)));
            sink.flush();
        }
        List<Path> committed = dataFiles("events");
        // a writer that dies after its files rolled into place, before its commit (no close: as kill -9 leaves it)
        ParquetSink crashed = ParquetSink.open(c, "pipe");
        crashed.write(new Batch(0, List.of(ids("events", 1000, 50_000)), at(p0, 51_000)));
        assertThat(dataFiles("events")).hasSizeGreaterThan(committed.size());
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            assertThat(dataFiles("events")).containsExactlyElementsOf(committed);
            assertThat(sink.positions()).containsExactly(new StoredPosition(at(p0, 1000).get(0), "pipe"));
            assertThat(sink.columns("events")).contains(ids("events", 0, 1).columns());
        }
        assertThat(query("SELECT count(*) FROM read_parquet(" + glob("events") + ")")).containsExactly(row(1000L));
    }

    @Test
    void filesLeftForANewTablesFirstEntryAreRemovedOnceItIsCommitted() throws Exception {
        ParquetSinkConfig c = config(List.of(), 64 * 1024, Duration.ofHours(1));
        ParquetSink crashed = ParquetSink.open(c, "pipe"); // dies before the table's first commit (no close)
        crashed.write(new Batch(0, List.of(ids("events", 0, 30_000)), at(p0, 30_000)));
        assertThat(dataFiles("events")).isNotEmpty();
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            assertThat(sink.positions()).isEmpty();
            sink.write(new Batch(0, List.of(ids("events", 0, 10)), at(p0, 10)));
            sink.flush();
        }
        try (Ledgers l = Ledgers.read(c)) {
            assertThat(dataFiles("events")).containsExactlyElementsOf(l.committedFiles("events").stream().map(dir::resolve)
                    .toList());
        }
        assertThat(query("SELECT count(*) FROM read_parquet(" + glob("events") + ")")).containsExactly(row(10L));
    }

    @Test
    void theWriterOpenedSecondFencesTheFirstWhoseFilesAreRemoved() throws Exception {
        ParquetSinkConfig c = config(List.of(), 64 * 1024, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(ids("events", 0, 10)), at(p0, 10)));
            sink.flush();
        }
        try (ParquetSink first = ParquetSink.open(c, "pipe")) {
            first.write(new Batch(0, List.of(ids("events", 10, 30_000)), at(p0, 30_010)));
            try (ParquetSink second = ParquetSink.open(c, "pipe")) {
                assertThat(second.positions()).containsExactly(new StoredPosition(at(p0, 10).get(0), "pipe"));
                assertThatThrownBy(first::flush).isInstanceOf(FencedException.class)
                        .hasMessageContaining("pipeline pipe")
                        .hasMessageContaining("lost table events")
                        .hasMessageContaining("ledger entry 2")
                        .hasMessageContaining("another writer (").hasMessageContaining(" of pipeline pipe) took it with a claim at")
                        .hasMessageContaining("data files were removed");
                assertThat(query("SELECT count(*) FROM read_parquet(" + glob("events") + ")")).containsExactly(row(10L));
                second.write(new Batch(0, List.of(ids("events", 10, 5)), at(p0, 15)));
                assertThat(second.flush()).isEqualTo(0);
            }
        }
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM read_parquet(" + glob("events") + ")"))
                .containsExactly(row(15L, 15L));
        try (Ledgers l = Ledgers.read(c)) {
            assertThat(l.positions()).containsExactly(new StoredPosition(at(p0, 15).get(0), "pipe"));
        }
    }

    @Test
    void pipelinesSharingAPathButNotATableNeverFenceEachOther() throws Exception {
        ParquetSinkConfig c = config();
        TopicPartition orders = new TopicPartition("orders", 0);
        try (ParquetSink a = ParquetSink.open(c, "events-pipe")) {
            a.write(new Batch(0, List.of(ids("events", 0, 10)), at(p0, 10)));
            a.flush();
            try (ParquetSink b = ParquetSink.open(c, "orders-pipe")) {
                // b opened after a's table existed: it reads a's positions but does not claim a's table
                b.write(new Batch(0, List.of(ids("orders", 0, 7)),
                        List.of(new TablePosition("orders", orders, 7, Optional.empty()))));
                assertThat(b.flush()).isZero();
                a.write(new Batch(1, List.of(ids("events", 10, 5)), at(p0, 15)));
                assertThat(a.flush()).isEqualTo(1);
                b.write(new Batch(1, List.of(ids("orders", 7, 3)),
                        List.of(new TablePosition("orders", orders, 10, Optional.empty()))));
                assertThat(b.flush()).isEqualTo(1);
            }
        }
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM read_parquet(" + glob("events") + ")")).containsExactly(row(15L, 15L));
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM read_parquet(" + glob("orders") + ")")).containsExactly(row(10L, 10L));
    }

    @Test
    void aWriterWhoseTableAnotherPipelineCommittedToSinceItOpenedStopsAndTheOtherGoesOn() throws Exception {
        ParquetSinkConfig c = config();
        try (ParquetSink a = ParquetSink.open(c, "pipe-a")) {
            a.write(new Batch(0, List.of(ids("events", 0, 10)), at(p0, 10)));
            a.flush();
            try (ParquetSink b = ParquetSink.open(c, "pipe-b")) {
                assertThat(b.positions()).containsExactly(new StoredPosition(at(p0, 10).get(0), "pipe-a"));
                a.write(new Batch(1, List.of(ids("events", 10, 5)), at(p0, 15)));
                a.flush();
                // b would start again at 10: the rows 10-14 a committed would land twice
                assertThatThrownBy(() -> b.write(new Batch(0, List.of(ids("events", 10, 5)), at(p0, 15))))
                        .isInstanceOf(FencedException.class)
                        .hasMessageContaining("pipeline pipe-b")
                        .hasMessageContaining("cannot write to table events")
                        .hasMessageContaining("another writer (").hasMessageContaining(" of pipeline pipe-a) committed to it at");
            }
            a.write(new Batch(2, List.of(ids("events", 15, 5)), at(p0, 20)));
            assertThat(a.flush()).isEqualTo(2);
        }
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM read_parquet(" + glob("events") + ")")).containsExactly(row(20L, 20L));
    }

    @Test
    void storedPositionsReplaceThoseOfTheirPartitionsOnly() {
        ParquetSinkConfig c = config();
        TopicPartition p1 = new TopicPartition("events", 1);
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(ids("events", 0, 10)),
                    List.of(at(p0, 10).get(0), new TablePosition("events", p1, 5, Optional.of("topic-id-1")))));
            sink.flush();
            sink.storePositions(List.of(new TablePosition("events", p1, 2, Optional.empty())));
        }
        ParquetSinkProvider provider = new ParquetSinkProvider();
        assertThat(provider.readPositions(c, "pipe")).containsExactlyInAnyOrder(
                new StoredPosition(at(p0, 10).get(0), "pipe"),
                new StoredPosition(new TablePosition("events", p1, 2, Optional.of("topic-id-1")), "pipe"));
        assertThat(provider.readColumns(c, "events")).contains(ids("events", 0, 1).columns());
        assertThat(provider.readColumns(c, "nope")).isEmpty();
    }

    @Test
    void aTableWithOnlyPositionsGetsAnEntryAndNoColumns() {
        ParquetSinkConfig c = config();
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(), at(p0, 7)));
            assertThat(sink.flush()).isEqualTo(0);
        }
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            assertThat(sink.positions()).containsExactly(new StoredPosition(at(p0, 7).get(0), "pipe"));
            assertThat(sink.columns("events")).isEmpty();
        }
    }

    @Test
    void anUnwritablePathFailsAtOpenNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        ParquetSinkConfig c = new ParquetSinkConfig(new StoreLocation.Local(file), "{topic}", List.of(), 1 << 20,
                Duration.ofHours(1), Compression.ZSTD, false, Optional.empty());
        assertThatThrownBy(() -> ParquetSink.open(c, "pipe")).hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }
    @Test
    void hostilePartitionValuesAndNamesEachMakeOneDirectoryLevelThatReadersDecodeBack() throws Exception {
        List<String> values = List.of("a/b", "..", ".", "=", "%", "x=y", "%2F", "back\\slash", "new\nline", "\u0000",
                "null", "NULL", "__HIVE_DEFAULT_PARTITION__", "\u65e5\u672c\u8a9e", "\ud83d\ude00", " lead", ".sluice-staging",
                "", "L".repeat(300), "\ud800x");
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("a/b", Scalar.VARCHAR));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            rows.add(new Object[] {(long) i, values.get(i)});
        }
        ParquetSinkConfig c = config(List.of(new PartitionField("a/b", Transform.IDENTITY)),
                ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(TableRows.of("events", cols, rows)), at(p0, values.size())));
            sink.flush();
        }
        for (Path f : dataFiles("events")) {
            assertThat(f.getParent().getParent()).as("one directory level: %s", f).isEqualTo(dir.resolve("events"));
            assertThat(f.getParent().getFileName().toString()).startsWith("a%2Fb=");
        }
        // the files hold every value (an unpaired surrogate is '?' in UTF-8), and so does sluice query
        List<List<Object>> exact = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            exact.add(row((long) i, i == values.size() - 1 ? "?x" : values.get(i)));
        }
        assertThat(query("SELECT id, \"a/b\" FROM read_parquet(" + glob("events") + ", hive_partitioning = false) ORDER BY id"))
                .containsExactlyElementsOf(exact);
        try (io.sluice.sink.Queries q = ParquetQueries.open(c, "pipe")) {
            assertThat(q.run("SELECT id, \"a/b\" FROM events ORDER BY id").rows()).containsExactlyElementsOf(exact);
        }
        // Hive-style readers decode each directory back to its value, except the empty and the too long one (NULL)
        List<List<Object>> hive = new ArrayList<>(exact);
        hive.set(values.indexOf(""), row((long) values.indexOf(""), null));
        hive.set(values.indexOf("L".repeat(300)), row((long) values.indexOf("L".repeat(300)), null));
        assertThat(query("SELECT id, \"a%2Fb\" FROM read_parquet(" + glob("events") + ", hive_partitioning = true) ORDER BY id"))
                .containsExactlyElementsOf(hive);
    }

    @Test
    void aChangedPartitionByStopsTheWriteAndTheLedgerKeepsTheTablesLayout() throws Exception {
        List<PartitionField> byName = List.of(new PartitionField("name", Transform.IDENTITY));
        ParquetSinkConfig first = config(byName, 1 << 20, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(first, "pipe")) {
            sink.write(new Batch(0, List.of(ids("events", 0, 3)), at(p0, 3)));
            sink.flush();
        }
        List<Path> files = dataFiles("events");
        ParquetSinkConfig changed = config(List.of(new PartitionField("id", Transform.IDENTITY)), 1 << 20, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(changed, "pipe")) {
            assertThatThrownBy(() -> sink.write(new Batch(0, List.of(ids("events", 3, 3)), at(p0, 6))))
                    .isInstanceOf(io.sluice.pipeline.CheckFailedException.class)
                    .hasMessage("table events in " + dir.resolve("events") + " holds files partitioned by [{column: name}],"
                            + " as its ledger records, but sink.partition_by now says [{column: id}]: one table's files must"
                            + " share one layout, or Hive-style readers (DuckDB's hive_partitioning, Spark) cannot read it."
                            + " Nothing of this batch was written. Set sink.partition_by back, or write the new layout to"
                            + " another table (sink.table) or sink.path.");
            // positions alone (offsets reset) write no files: allowed
            sink.storePositions(at(p0, 1));
        }
        assertThat(dataFiles("events")).containsExactlyElementsOf(files);
        try (ParquetSink sink = ParquetSink.open(config(), "pipe")) {
            assertThatThrownBy(() -> sink.write(new Batch(0, List.of(ids("events", 3, 3)), at(p0, 6))))
                    .hasMessageContaining("partitioned by [{column: name}], as its ledger records, but sink.partition_by now"
                            + " says [] (no partition directories)");
        }
        try (ParquetSink sink = ParquetSink.open(first, "pipe")) {
            sink.write(new Batch(0, List.of(ids("events", 1, 5)), at(p0, 6)));
            sink.flush();
        }
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM read_parquet(" + glob("events")
                + ", hive_partitioning = true)")).containsExactly(row(8L, 6L));
        try (Ledgers l = Ledgers.read(first)) {
            assertThat(l.heads().get("events").partitionBy()).contains(byName);
        }
    }

    @Test
    void queriesReadEachTableInTheLayoutItsLedgerRecordsWhateverTheManifestSays() throws Exception {
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("_kafka_timestamp", Scalar.TIMESTAMP),
                new Column("region", Scalar.VARCHAR));
        List<Object[]> rows = List.of(new Object[] {1L, Instant.parse("2026-12-01T23:59:59Z"), ""},
                new Object[] {2L, null, "eu"});
        ParquetSinkConfig byDay = new ParquetSinkConfig(new StoreLocation.Local(dir), "by_day",
                List.of(new PartitionField("_kafka_timestamp", Transform.DAY), new PartitionField("region", Transform.IDENTITY)),
                1 << 20, Duration.ofHours(1), Compression.ZSTD, false, Optional.empty());
        ParquetSinkConfig byRegion = new ParquetSinkConfig(new StoreLocation.Local(dir), "by_region",
                List.of(new PartitionField("region", Transform.IDENTITY)), 1 << 20, Duration.ofHours(1), Compression.ZSTD,
                false, Optional.empty());
        for (ParquetSinkConfig c : List.of(byDay, byRegion)) {
            try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
                String table = c.tableTemplate();
                sink.write(new Batch(0, List.of(TableRows.of(table, cols, rows)),
                        List.of(new TablePosition(table, p0, 2, Optional.empty()))));
                sink.flush();
            }
        }
        try (io.sluice.sink.Queries q = ParquetQueries.open(config(List.of(new PartitionField("id", Transform.YEAR)),
                1 << 20, Duration.ofHours(1)), "pipe")) {
            assertThat(q.run("SELECT id, region, _kafka_timestamp_day::VARCHAR, typeof(_kafka_timestamp_day) FROM by_day"
                    + " ORDER BY id").rows()).containsExactly(row(1L, "", "2026-12-01", "DATE"), row(2L, "eu", null, "DATE"));
            assertThat(q.run("SELECT id, region FROM by_region ORDER BY id").rows()).containsExactly(row(1L, ""), row(2L, "eu"));
        }
    }

    @Test
    void aTableNameThatCannotBeADirectoryFailsInSluicesWords() {
        try (ParquetSink sink = ParquetSink.open(config(), "pipe")) {
            assertThatThrownBy(() -> sink.write(new Batch(0, List.of(ids("../escape", 0, 1)), List.of())))
                    .isInstanceOf(io.sluice.pipeline.SluiceException.class)
                    .hasMessage("table name \"../escape\" cannot be a directory under " + dir + " (allowed: letters, digits,"
                            + " _, - and ., not starting with _, - or ., at most 255 characters)");
        }
        assertThat(Files.exists(dir.resolveSibling("escape"))).isFalse();
    }

    @Test
    void aFileSystemErrorMidFlushNamesThePathAndTheLedgerListsOnlyWholeFiles() throws Exception {
        ParquetSinkConfig c = config(List.of(new PartitionField("bucket", Transform.IDENTITY)),
                ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE, Duration.ofHours(1));
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            sink.write(new Batch(0, List.of(buckets("a", 0, 100)), at(p0, 100)));
            sink.flush();
            sink.write(new Batch(1, List.of(buckets("c", 100, 1000)), at(p0, 1000)));
            // something outside Sluice puts a file where a partition directory of this flush must go
            Path blocking = Files.writeString(dir.resolve("events").resolve("bucket=c2"), "not a directory");
            assertThatThrownBy(sink::flush).isInstanceOf(io.sluice.pipeline.SluiceException.class)
                    .hasMessageStartingWith("cannot move " + dir.resolve(".sluice-staging"))
                    .hasMessageMatching(".* to " + java.util.regex.Pattern.quote(blocking.toString())
                            + "/part-00000000000000000001-[0-9a-f]{8}-[0-9]\\.parquet: "
                            + java.util.regex.Pattern.quote(blocking.toString()) + " is not a directory");
            Files.delete(blocking);
        }
        try (Ledgers l = Ledgers.read(c)) {
            assertThat(l.heads().get("events").seq()).isZero();
            assertThat(l.positions()).containsExactly(new StoredPosition(at(p0, 100).get(0), "pipe"));
            for (String f : l.committedFiles("events")) {
                assertThat(query("SELECT count(*) FROM read_parquet('" + dir.resolve(f) + "')").get(0).get(0)).isEqualTo(25L);
            }
        }
        try (ParquetSink sink = ParquetSink.open(c, "pipe")) {
            assertThat(sink.positions()).containsExactly(new StoredPosition(at(p0, 100).get(0), "pipe"));
            sink.write(new Batch(0, List.of(buckets("c", 100, 1000)), at(p0, 1000)));
            sink.flush();
        }
        try (Ledgers l = Ledgers.read(c)) {
            assertThat(dataFiles("events")).containsExactlyElementsOf(l.committedFiles("events").stream().map(dir::resolve).sorted()
                    .toList());
        }
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM read_parquet(" + glob("events") + ")"))
                .containsExactly(row(1000L, 1000L));
    }

    @Test
    void aFullDiskFailsTheParquetWriteInPlainWordsNamingTheFile() throws Exception {
        Path devFull = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(devFull), "/dev/full (Linux) is needed");
        Path staging = Files.createSymbolicLink(dir.resolve("full.parquet.tmp"), devFull); // every write: ENOSPC
        TableRows rows = ids("events", 0, 100);
        PartFile f = PartFile.create("events/part-0.parquet", staging, rows.columns(), Compression.NONE.codec, 1 << 20, Map.of());
        for (int r = 0; r < rows.size(); r++) {
            f.write(rows, r, 1 << 20);
        }
        assertThatThrownBy(f::finish).isInstanceOf(io.sluice.pipeline.SluiceException.class)
                .hasMessage("cannot finish Parquet file " + staging + " (for events/part-0.parquet): disk full");
        f.abandon();
    }

    private static TableRows buckets(String prefix, int from, int to) {
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("bucket", Scalar.VARCHAR));
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new Object[] {(long) i, prefix + (i % 4)});
        }
        return TableRows.of("events", cols, rows);
    }
}
