package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.sink.SinkRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's manifests and its exactly-once check, per sink, on real DuckDB and Parquet files. */
class SinkUnderTestTest {
    private static final String TOPIC = "sluice-bench-test";

    @TempDir
    Path work;

    private static BenchSpec spec(BenchSink sink) {
        return new BenchSpec("localhost:1", 10, 4, 50_000, List.of(), false, MessageFormat.JSON, sink);
    }

    @Test
    void theDuckDbManifestLoadsWithoutProblemsOrWarnings() throws Exception {
        SinkUnderTest sink = SinkUnderTest.of(new BenchSink.DuckDb(), work, TOPIC);
        Path file = work.resolve("bench.yaml");
        Files.writeString(file, Benchmark.manifest(spec(new BenchSink.DuckDb()), TOPIC, sink, null));
        Manifest m = new ManifestLoader(Map.of(), SinkRegistry.load()).load(file);
        assertThat(m.warnings()).isEmpty();
        assertThat(m.pipelines()).singleElement().satisfies(p -> assertThat(p.sink().type()).isEqualTo("duckdb"));
    }

    @Test
    void theParquetManifestWritesOneTablePerTopicUnderTheRunsDirectory() {
        SinkUnderTest sink = SinkUnderTest.of(new BenchSink.Parquet(), work, TOPIC);
        assertThat(sink.manifestSection()).isEqualTo("sink:\n  type: parquet\n  path: \"" + work.resolve("parquet")
                + "\"\n  table: \"{topic}\"\n");
    }

    @Test
    void duckDbCountsRowsAndDistinctKafkaPositions() throws Exception {
        Path db = work.resolve("bench.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE sensor_events (_kafka_partition INTEGER, _kafka_offset BIGINT, v VARCHAR)");
            st.execute("INSERT INTO sensor_events VALUES (0, 0, 'a'), (0, 1, 'b'), (1, 0, 'c'), (1, 0, 'c again')");
        }
        assertThat(SinkUnderTest.of(new BenchSink.DuckDb(), work, TOPIC).landed()).isEqualTo(new SinkUnderTest.Landed(4, 3));
    }

    @Test
    void parquetCountsEveryFileOfTheTopicsTableAcrossHivePartitionsAndAddedColumns() throws Exception {
        // the sink names the table after the topic made safe: sluice-bench-test becomes sluice_bench_test
        Path table = work.resolve("parquet").resolve(io.sluice.schema.Names.safeIdentifier(TOPIC));
        Files.createDirectories(table);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT i % 2 AS _kafka_partition, i AS _kafka_offset, 'x' AS v FROM range(10) t(i)) TO '"
                    + table + "' (FORMAT parquet, PARTITION_BY (_kafka_partition))");
            st.execute("COPY (SELECT 1 AS _kafka_partition, 3 AS _kafka_offset, 'y' AS v, 42 AS added) TO '"
                    + table.resolve("_kafka_partition=1").resolve("later.parquet") + "' (FORMAT parquet)");
        }
        Files.writeString(table.resolve("_kafka_partition=0").resolve("staged.parquet.tmp"), "not parquet");
        assertThat(SinkUnderTest.of(new BenchSink.Parquet(), work, TOPIC).landed()).isEqualTo(new SinkUnderTest.Landed(11, 10));
    }

    @Test
    void aMissingParquetTableIsReportedWithWhatTheDirectoryHolds() throws Exception {
        Files.createDirectories(work.resolve("parquet").resolve("other-topic"));
        assertThatThrownBy(() -> SinkUnderTest.of(new BenchSink.Parquet(), work, TOPIC).landed())
                .hasMessage("the pipeline wrote no Parquet table at " + work.resolve("parquet").resolve("sluice_bench_test") + " ("
                        + work.resolve("parquet") + " holds other-topic)");
    }

    @Test
    void sinkWordsParse() {
        assertThat(BenchSink.parse("DuckDB")).contains(new BenchSink.DuckDb());
        assertThat(BenchSink.parse("parquet")).contains(new BenchSink.Parquet());
        assertThat(BenchSink.parse("delta")).contains(new BenchSink.Delta());
        assertThat(BenchSink.parse("kafka")).isEmpty();
    }
}
