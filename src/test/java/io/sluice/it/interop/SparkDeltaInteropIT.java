package io.sluice.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.it.Sluice;
import io.sluice.it.contract.DuckDbReader;
import io.sluice.it.delta.DeltaFixtures;
import io.sluice.it.delta.DeltaTableReader;
import io.sluice.schema.Column;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark 4.0 with delta-spark 4.0 reads the Delta tables and sees what {@link DeltaTableReader} sees: the schema, every
 * row, the row counts of earlier versions (time travel) and the history's operations. Spark runs in a JVM of its own
 * ({@code interop/spark}, built and resolved here); run with {@code mvn -B verify -Pinterop}.
 *
 * <p>The tables are for now written with Delta Kernel directly ({@link DeltaFixtures#events}); tables written by
 * {@code bin/sluice} go through {@link #assertSparkReadsAsDeltaTableReader} the same way.
 */
class SparkDeltaInteropIT {
    private static final Path PROJECT = Sluice.HOME.resolve("interop/spark");
    private static final long BUILD_TIMEOUT_S = 1200;
    private static final long SPARK_TIMEOUT_S = 300;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    @TempDir
    static Path dir;

    private static String classpath;

    @BeforeAll
    static void buildSparkReader() throws Exception {
        long t0 = System.nanoTime();
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("interop.maven", "mvn"), "-B", "-q"));
        if (Boolean.parseBoolean(System.getProperty("interop.offline", "false"))) {
            cmd.add("-o");
        }
        cmd.addAll(List.of("-f", PROJECT.resolve("pom.xml").toString(), "compile", "dependency:build-classpath",
                "-Dmdep.outputFile=target/classpath.txt"));
        Path log = dir.resolve("interop-build.log");
        Process p = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(BUILD_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("building interop/spark took over " + BUILD_TIMEOUT_S + " s:\n" + Files.readString(log));
        }
        assertThat(p.exitValue()).as("%s:\n%s", String.join(" ", cmd), Files.readString(log)).isZero();
        classpath = PROJECT.resolve("target/classes") + File.pathSeparator
                + Files.readString(PROJECT.resolve("target/classpath.txt")).strip();
        System.out.printf("interop/spark built and resolved in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void sparkReadsTheKernelFixtureAsDeltaTableReaderDoes() throws Exception {
        Path events = DeltaFixtures.events(dir.resolve("events")).path();
        Map<Path, List<Long>> versions = Map.of(events, List.of(1L, 2L, 4L));
        Map<Path, JsonNode> spark = readWithSpark(versions);
        assertSparkReadsAsDeltaTableReader(events, spark.get(events), versions.get(events));
        // the fixture's own promises, so a reader that lost rows on both sides still fails
        assertThat(spark.get(events).get("count").asLong()).isEqualTo(7);
        assertThat(spark.get(events).get("rows").get(2).get("region").asText()).isEqualTo("a/b=c");
    }

    /**
     * A table written by {@code bin/sluice} (nested JSON with a struct, a list, timestamps and decimals; partitioned by a
     * string and by the day of the Kafka timestamp; a column added and a column widened in a second run; a checkpoint)
     * reads the same in Spark as in DeltaTableReader.
     */
    @Test
    void sparkReadsATableSluiceWroteAsDeltaTableReaderDoes() throws Exception {
        String topic = io.sluice.it.Sluice.unique("interop");
        io.sluice.it.TestBroker.createTopic(topic, 2);
        io.sluice.it.TestBroker.produceJson(topic, 2, 300, i -> "{\"id\":" + i + ",\"region\":\"" + (i % 3 == 0 ? "a/b=c" : "eu")
                + "\",\"amount\":" + (i * 1.25) + ",\"nested\":{\"a\":" + i + ",\"b\":\"s" + i + "\"},\"tags\":[\"t"
                + (i % 4) + "\"],\"at\":\"2026-12-0" + (1 + i % 2) + "T10:00:00.123456Z\"}");
        String manifest = """
                name: interop
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 5000}
                  topics: [%s]
                  options: {batch_size: 40}
                sink:
                  type: delta
                  path: lake
                  table: events
                  commit_interval_ms: 0
                  checkpoint_interval: 4
                  partition_by: [{column: region}, {column: _kafka_timestamp, transform: day}]
                """.formatted(io.sluice.it.TestBroker.bootstrap(), topic);
        Path work = dir.resolve("sluice");
        Files.createDirectories(work);
        Path m = io.sluice.it.Sluice.manifest(work, manifest);
        var first = io.sluice.it.Sluice.run(work, Map.of(), "run", m.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        io.sluice.it.TestBroker.produceJson(topic, 2, 60, i -> "{\"id\":" + (3_000_000_000L + i) + ",\"region\":\"eu\",\"note\":\"n"
                + i + "\"}");
        var second = io.sluice.it.Sluice.run(work, Map.of(), "run", m.toString());
        assertThat(second.exit()).as(second.toString()).isZero();
        Path table = work.resolve("lake/events");
        DeltaTableReader delta = DeltaTableReader.latest(table);
        assertThat(delta.checkpointVersion()).isPositive();
        Map<Path, List<Long>> versions = Map.of(table, List.of(1L, 3L));
        Map<Path, JsonNode> spark = readWithSpark(versions);
        assertSparkReadsAsDeltaTableReader(table, spark.get(table), versions.get(table));
        assertThat(spark.get(table).get("count").asLong()).isEqualTo(360);
    }

    /** Spark's view of one table equals DeltaTableReader's: schema, rows, counts at {@code versions}, history. */
    static void assertSparkReadsAsDeltaTableReader(Path table, JsonNode spark, List<Long> versions) {
        assertThat(spark).as("Spark's result for %s", table).isNotNull();
        DeltaTableReader delta = DeltaTableReader.latest(table);
        assertThat(spark.get("version").asLong()).isEqualTo(delta.version());
        List<String> sparkSchema = new ArrayList<>();
        spark.get("schema").forEach(c -> sparkSchema.add(c.get("name").asText() + " " + c.get("type").asText()));
        List<String> deltaSchema = new ArrayList<>();
        for (Column c : delta.columns()) {
            deltaSchema.add(c.name() + " " + SparkRows.sparkType(c.type()));
        }
        assertThat(sparkSchema).isEqualTo(deltaSchema);

        DuckDbReader rows = delta.reader();
        assertThat(spark.get("count").asLong()).isEqualTo(rows.count());
        assertThat(SparkRows.canonical(delta.columns(), spark.get("rows"))).isEqualTo(rows.rows());

        for (long v : versions) {
            assertThat(spark.get("versionCounts").get(String.valueOf(v)).asLong()).as("rows at version %d", v)
                    .isEqualTo(DeltaTableReader.atVersion(table, v).reader().count());
        }
        List<String> sparkHistory = new ArrayList<>();
        spark.get("history").forEach(h -> sparkHistory.add(h.get("version").asLong() + " " + h.get("operation").asText()));
        List<String> deltaHistory = new ArrayList<>();
        delta.history().forEach(c -> deltaHistory.add(c.version() + " " + c.operation()));
        assertThat(sparkHistory).isEqualTo(deltaHistory);
    }

    /** Runs SparkDeltaRead over the tables (with the versions to count) in one JVM; its results by table. */
    static Map<Path, JsonNode> readWithSpark(Map<Path, List<Long>> tables) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(Files.readString(PROJECT.resolve("jvm-options.txt")).strip().split("\\s+")));
        cmd.addAll(List.of("-cp", classpath, "io.sluice.interop.spark.SparkDeltaRead"));
        List<Path> order = new ArrayList<>(tables.keySet());
        for (Path t : order) {
            List<String> vs = new ArrayList<>();
            tables.get(t).forEach(v -> vs.add(String.valueOf(v)));
            cmd.add(t.toAbsolutePath() + (vs.isEmpty() ? "" : "#" + String.join(",", vs)));
        }
        Path out = Files.createTempFile(dir, "spark", ".out");
        Path err = Files.createTempFile(dir, "spark", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(SPARK_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Spark did not read the tables in " + SPARK_TIMEOUT_S + " s; stderr:\n" + Files.readString(err));
        }
        System.out.printf("Spark read %d table(s) in %.1f s%n", order.size(), (System.nanoTime() - t0) / 1e9);
        assertThat(p.exitValue()).as("Spark's stderr:\n%s", Files.readString(err, StandardCharsets.UTF_8)).isZero();
        Map<Path, JsonNode> results = new HashMap<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (line.startsWith("RESULT ")) {
                JsonNode r = JSON.readTree(line.substring("RESULT ".length()));
                results.put(Path.of(r.get("path").asText()), r);
            }
        }
        Map<Path, JsonNode> byTable = new HashMap<>();
        for (Path t : order) {
            byTable.put(t, results.get(t.toAbsolutePath()));
        }
        return byTable;
    }
}
