package io.sluice.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.Evolution;
import io.sluice.schema.MapValue;
import io.sluice.sink.Batch;
import io.sluice.sink.Queries;
import io.sluice.sink.QueryResult;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.StoreLocation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * What readers make of files written across schema changes and of identity partitions: the widenings the sink
 * declares read back right in DuckDB with {@code union_by_name} (in a session zone other than UTC), and the one it
 * refuses would not; {@code sluice query} types identity partition columns exactly.
 */
class ParquetReadBackIT {
    @TempDir
    Path dir;

    private ParquetSinkConfig config(Path root, List<PartitionField> partitions) {
        return new ParquetSinkConfig(new StoreLocation.Local(root), "t", partitions, 1 << 20, Duration.ofHours(1),
                Compression.ZSTD, false, Optional.empty());
    }

    /** Writes {@code a} as {@code from}, then {@code b} as {@code to}; returns id, typeof and text of both rows. */
    private List<String> widen(String name, DataType from, Object a, DataType to, Object b) throws Exception {
        assertThat(Evolution.widensSafely(from, to)).as(name).isTrue();
        Path root = dir.resolve(name);
        TopicPartition p = new TopicPartition("t", 0);
        try (ParquetSink s = ParquetSink.open(config(root, List.of()), "x")) {
            s.write(new Batch(0, List.of(TableRows.of("t", List.of(new Column("id", Scalar.INTEGER), new Column("v", from)),
                    List.<Object[]>of(new Object[] {1, a}))), List.of(new TablePosition("t", p, 1, Optional.empty()))));
            s.write(new Batch(1, List.of(TableRows.of("t", List.of(new Column("id", Scalar.INTEGER), new Column("v", to)),
                    List.<Object[]>of(new Object[] {2, b}))), List.of(new TablePosition("t", p, 2, Optional.empty()))));
            s.flush();
        }
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = conn.createStatement()) {
            st.execute("SET TimeZone = 'America/New_York'");
            List<String> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id, typeof(v), v::VARCHAR FROM read_parquet('" + root
                    + "/t/**/*.parquet', union_by_name = true) ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
            }
            return out;
        }
    }

    @Test
    void declaredWideningsReadBackAcrossFilesAndDateToTimestampIsRefused() throws Exception {
        Map<String, Object> sa = new LinkedHashMap<>(Map.of("a", 1));
        Map<String, Object> sb = new LinkedHashMap<>();
        sb.put("a", 2);
        sb.put("b", "x");
        Struct a = new Struct(List.of(new Field("a", Scalar.INTEGER)));
        assertThat(widen("int_bigint", Scalar.INTEGER, 1, Scalar.BIGINT, 1L << 40))
                .containsExactly("1 BIGINT 1", "2 BIGINT 1099511627776");
        assertThat(widen("int_double", Scalar.INTEGER, 1, Scalar.DOUBLE, 2.5)).containsExactly("1 DOUBLE 1.0", "2 DOUBLE 2.5");
        assertThat(widen("float_double", Scalar.FLOAT, 1.5f, Scalar.DOUBLE, 2.25))
                .containsExactly("1 DOUBLE 1.5", "2 DOUBLE 2.25");
        assertThat(widen("dec_dec", new Decimal(9, 2), new BigDecimal("1.25"), new Decimal(18, 4), new BigDecimal("2.1250")))
                .containsExactly("1 DECIMAL(18,4) 1.2500", "2 DECIMAL(18,4) 2.1250");
        assertThat(widen("bigint_dec", Scalar.BIGINT, 3L, new Decimal(21, 2), new BigDecimal("4.50")))
                .containsExactly("1 DECIMAL(21,2) 3.00", "2 DECIMAL(21,2) 4.50");
        assertThat(widen("struct_add", a, sa, new Struct(List.of(new Field("a", Scalar.INTEGER), new Field("b", Scalar.VARCHAR))), sb))
                .containsExactly("1 STRUCT(a INTEGER, b VARCHAR) {'a': 1, 'b': NULL}", "2 STRUCT(a INTEGER, b VARCHAR) {'a': 2, 'b': x}");
        assertThat(widen("struct_widen", a, sa, new Struct(List.of(new Field("a", Scalar.BIGINT))), Map.of("a", 1L << 40)))
                .containsExactly("1 STRUCT(a BIGINT) {'a': 1}", "2 STRUCT(a BIGINT) {'a': 1099511627776}");
        assertThat(widen("list", new ListOf(Scalar.INTEGER), List.of(1), new ListOf(Scalar.BIGINT), List.of(1L << 40)))
                .containsExactly("1 BIGINT[] [1]", "2 BIGINT[] [1099511627776]");
        assertThat(widen("map", new MapOf(Scalar.VARCHAR, Scalar.INTEGER), new MapValue(Map.of("k", 1)),
                new MapOf(Scalar.VARCHAR, Scalar.BIGINT), new MapValue(Map.of("k", 1L << 40))))
                .containsExactly("1 MAP(VARCHAR, BIGINT) {k=1}", "2 MAP(VARCHAR, BIGINT) {k=1099511627776}");
        for (DataType[] w : new DataType[][] {{Scalar.INTEGER, Scalar.BIGINT}, {Scalar.INTEGER, Scalar.DOUBLE},
                {Scalar.FLOAT, Scalar.DOUBLE}, {new Decimal(9, 2), new Decimal(18, 4)}, {a, new Struct(List.of(new Field("a", Scalar.BIGINT)))}}) {
            assertThat(ParquetTypes.SUPPORT.canWiden(w[0], w[1])).as(w[0].describe() + " -> " + w[1].describe()).isTrue();
        }
        // midnight UTC, as Sluice widens a DATE, is 19:00 the day before in New York; DuckDB makes it midnight there
        assertThat(widen("date_ts", Scalar.DATE, LocalDate.of(2026, 12, 2), Scalar.TIMESTAMP, Instant.parse("2026-12-02T10:00:00Z")))
                .first().isEqualTo("1 TIMESTAMP WITH TIME ZONE 2026-12-02 00:00:00-05");
        assertThat(ParquetTypes.SUPPORT.canWiden(Scalar.DATE, Scalar.TIMESTAMP)).isFalse();
        assertThat(ParquetTypes.SUPPORT.canWiden(new Struct(List.of(new Field("d", Scalar.DATE))),
                new Struct(List.of(new Field("d", Scalar.TIMESTAMP))))).isFalse();
    }

    @Test
    void identityPartitionColumnsStayInTheFilesAndQueriesTypeThemExactly() throws Exception {
        Path root = dir.resolve("identity");
        List<Column> cols = List.of(new Column("id", Scalar.INTEGER), new Column("code", Scalar.VARCHAR),
                new Column("seen", Scalar.TIMESTAMP), new Column("ok", Scalar.BOOLEAN));
        ParquetSinkConfig c = config(root, List.of(new PartitionField("code", Transform.IDENTITY),
                new PartitionField("seen", Transform.IDENTITY), new PartitionField("ok", Transform.IDENTITY)));
        try (ParquetSink s = ParquetSink.open(c, "x")) {
            s.write(new Batch(0, List.of(TableRows.of("t", cols, List.of(
                    new Object[] {1, "42", Instant.parse("2026-12-02T10:00:00.5Z"), true},
                    new Object[] {2, "007", Instant.parse("2026-12-02T11:00:00Z"), false}))),
                    List.of(new TablePosition("t", new TopicPartition("t", 0), 2, Optional.empty()))));
            s.flush();
        }
        try (Queries q = ParquetQueries.open(c, "x")) {
            QueryResult r = q.run("SELECT id, typeof(code), code, typeof(seen), epoch_ms(seen), typeof(ok), ok FROM t ORDER BY id");
            assertThat(r.rows()).containsExactly(
                    List.of(1, "VARCHAR", "42", "TIMESTAMP WITH TIME ZONE", 1_796_205_600_500L, "BOOLEAN", true),
                    List.of(2, "VARCHAR", "007", "TIMESTAMP WITH TIME ZONE", 1_796_209_200_000L, "BOOLEAN", false));
        }
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT typeof(code), code FROM read_parquet('" + root
                        + "/t/**/*.parquet', hive_partitioning = false) ORDER BY id")) {
            rs.next();
            assertThat(rs.getString(1) + " " + rs.getString(2)).as("the file holds the column itself").isEqualTo("VARCHAR 42");
        }
    }
}
