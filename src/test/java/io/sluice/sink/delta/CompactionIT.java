package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.DeltaReplay;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.MapValue;
import io.sluice.sink.Batch;
import io.sluice.sink.TableMaintenance.Optimized;
import io.sluice.sink.TableMaintenance.TableView;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.StoreLocation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction of files with every type the Delta sink writes, written across a schema change (a widened column, a new
 * column, a new nested field) into partitions whose values need escaping or are null: the same rows before and after,
 * read back by replaying the log without Kernel.
 */
class CompactionIT {
    @TempDir
    Path dir;

    private static final String[] REGIONS = {"eu west/1", "us", null};

    private DeltaSinkConfig config() {
        return new DeltaSinkConfig(new StoreLocation.Local(dir), "events",
                List.of(new PartitionField("region", Transform.IDENTITY)), 128L << 20, Duration.ofHours(1), Compression.ZSTD,
                10, Map.of(), false, Optional.empty());
    }

    private static Struct point(boolean withZ) {
        List<Field> f = new ArrayList<>(List.of(new Field("x", Scalar.DOUBLE), new Field("label", Scalar.VARCHAR)));
        if (withZ) {
            f.add(new Field("z", Scalar.BIGINT));
        }
        return new Struct(f);
    }

    private static List<Column> columns(boolean evolved) {
        List<Column> cols = new ArrayList<>(List.of(new Column("id", Scalar.BIGINT),
                new Column("n", evolved ? Scalar.BIGINT : Scalar.INTEGER), new Column("d", new Decimal(18, 4)),
                new Column("ts", Scalar.TIMESTAMP), new Column("day", Scalar.DATE), new Column("b", Scalar.BOOLEAN),
                new Column("blob", Scalar.BLOB), new Column("f", Scalar.FLOAT), new Column("tags", new ListOf(Scalar.VARCHAR)),
                new Column("attrs", new MapOf(Scalar.VARCHAR, Scalar.BIGINT)), new Column("pt", point(evolved)),
                new Column("nested", new ListOf(point(evolved))), new Column("region", Scalar.VARCHAR)));
        if (evolved) {
            cols.add(new Column("extra", Scalar.VARCHAR));
        }
        return cols;
    }

    private static TableRows rows(int from, int count, boolean evolved) {
        List<Object[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Map<String, Object> pt = new LinkedHashMap<>();
            pt.put("x", i * 0.5);
            pt.put("label", i % 4 == 0 ? null : "p" + i);
            if (evolved) {
                pt.put("z", (long) i);
            }
            Map<Object, Object> attrs = new LinkedHashMap<>();
            attrs.put("k" + i, (long) i);
            List<Object> row = new ArrayList<>(List.of((long) i, evolved ? (Object) (i * 1_000_000_000L) : (Object) i,
                    new BigDecimal(i + ".1234"), Instant.parse("2026-12-02T10:15:30.123456Z").plusSeconds(i),
                    LocalDate.of(2026, 1, 1).plusDays(i), i % 2 == 0, new byte[] {(byte) i, 1}, i * 0.25f,
                    List.of("t" + i, "u"), new MapValue(attrs), pt, List.of(pt)));
            row.add(REGIONS[i % 3]);
            if (evolved) {
                row.add(i % 5 == 0 ? null : "e" + i);
            }
            out.add(row.toArray());
        }
        return TableRows.of("events", columns(evolved), out);
    }

    @Test
    void everyTypeAcrossASchemaChangeComesOutOfACompactionAsItWentIn() throws Exception {
        TopicPartition p0 = new TopicPartition("events", 0);
        try (DeltaSink sink = DeltaSink.open(config(), "compact")) {
            for (int b = 0; b < 6; b++) {
                boolean evolved = b >= 3;
                sink.write(new Batch(b, List.of(rows(b * 12, 12, evolved)),
                        List.of(new TablePosition("events", p0, (b + 1) * 12L, Optional.empty()))));
                sink.flush();
            }
        }
        Path table = dir.resolve("events");
        List<String> names = new ArrayList<>();
        columns(true).forEach(c -> names.add(c.name()));
        List<List<String>> before = DeltaReplay.rows(table, names);
        assertThat(before).hasSize(72);
        assertThat(DeltaReplay.replay(table).files()).hasSize(18);

        try (DeltaMaintenance m = DeltaMaintenance.open(config(), Clock.systemUTC())) {
            Optimized o = m.optimize("events", 64L << 20);
            assertThat(o.filesRemoved()).isEqualTo(18);
            assertThat(o.filesAdded()).isEqualTo(3);
            assertThat(o.partitions()).isEqualTo(3);
            TableView v = m.show("events", Optional.empty(), Optional.empty());
            assertThat(v.rows()).contains(72L);
            assertThat(v.files()).isEqualTo(3);
            assertThat(v.columns()).anySatisfy(c -> assertThat(c.name() + " " + c.type())
                    .isEqualTo("pt STRUCT<x: DOUBLE, label: STRING, z: LONG>"));
        }
        DeltaReplay.State after = DeltaReplay.replay(table);
        assertThat(after.files()).hasSize(3);
        assertThat(after.files()).anySatisfy(f -> assertThat(f.partitionValues().values()).containsExactly("eu west/1"));
        assertThat(after.files()).anySatisfy(f -> assertThat(f.partitionValues().values()).containsOnlyNulls());
        assertThat(DeltaReplay.rows(table, names)).isEqualTo(before);
        assertThat(before).anySatisfy(r -> assertThat(r.get(names.indexOf("n"))).isEqualTo("60000000000"));
        assertThat(before).anySatisfy(r -> assertThat(r.get(names.indexOf("nested"))).contains(": 30.5, ", ": p61, ", ": 61}"));
        assertThat(before).anySatisfy(r -> assertThat(r.get(names.indexOf("ts"))).isEqualTo("2026-12-02 10:16:00.123456+00"));
    }
}
