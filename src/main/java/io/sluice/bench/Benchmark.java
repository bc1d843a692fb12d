package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.dev.GenerateSpec;
import io.sluice.dev.Generator;
import io.sluice.dev.Installation;
import io.sluice.dev.WarehouseSummary;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.SourceOptions.MessageFormat;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One benchmark run against one broker: produce sensor events to a fresh topic, read it with a plain
 * KafkaConsumer (the ceiling), then with {@code sluice run} into DuckDB, each in its own JVM with the same
 * options, and compare. The pipeline's result is checked (every record landed once) before it counts.
 */
public final class Benchmark {

    /** A measured reader: records, bytes, its own reading time, and its process's peak RSS. */
    public record Measurement(String name, long records, long bytes, long nanos, long wallNanos, long peakRssBytes) {
        public double recordsPerSecond() {
            return records * 1e9 / nanos;
        }

        public double megabytesPerSecond() {
            return bytes / 1e6 * 1e9 / nanos;
        }
    }

    /** The figures of a run. */
    public record Report(long records, long bytes, Generator.Result produced, Measurement ceiling, Measurement pipeline) {
        public double ratio() {
            return pipeline.recordsPerSecond() / ceiling.recordsPerSecond();
        }
    }

    private final Installation installation;

    public Benchmark(Installation installation) {
        this.installation = installation;
    }

    public Report run(BenchSpec spec, Consumer<String> log) {
        String topic = "sluice-bench-" + System.currentTimeMillis();
        Path work = tempDir();
        boolean typed = spec.format() != MessageFormat.JSON;
        DevSchemaRegistry registry = typed ? DevSchemaRegistry.start(work.resolve("registry"), 0) : null;
        try {
            log.accept(String.format("producing %,d sensor events (%s) to %s (%s) on %s", spec.records(),
                    spec.format().word(), topic, io.sluice.pipeline.Words.count(spec.partitions(), "partition"), spec.bootstrapServers()));
            Generator.Result produced = Generator.run(new GenerateSpec(spec.bootstrapServers(), topic, spec.records(), 0,
                    spec.partitions(), 42, Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(10), spec.format(),
                    typed ? Optional.of(RegistrySpec.of(registry.url())) : Optional.empty()), msg -> {});
            log.accept(String.format("produce:  %,d records, %.1f MB in %.1f s: %,.0f records/s", produced.events(),
                    produced.bytes() / 1e6, produced.elapsedNanos() / 1e9, produced.eventsPerSecond()));

            Measurement ceiling = ceiling(spec, topic, work);
            log.accept(line("ceiling:  plain KafkaConsumer, no decoding", ceiling));
            Measurement pipeline = pipeline(spec, topic, work, ceiling.bytes(), typed ? registry.url() : null);
            log.accept(line("pipeline: sluice run " + spec.format().word() + " -> DuckDB", pipeline));
            if (ceiling.records() != produced.events() || pipeline.records() != produced.events()) {
                throw new SluiceException(Stage.SETUP, "benchmark readers disagree: produced " + produced.events()
                        + ", plain consumer read " + ceiling.records() + ", pipeline read " + pipeline.records());
            }
            return new Report(produced.events(), ceiling.bytes(), produced, ceiling, pipeline);
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (!spec.keep()) {
                deleteTopic(spec.bootstrapServers(), topic);
                deleteRecursively(work);
            } else {
                log.accept("kept topic " + topic + " and " + work);
            }
        }
    }

    private static String line(String what, Measurement m) {
        return String.format("%s: %,d records, %.1f MB in %.2f s: %,.0f records/s, %.1f MB/s, peak RSS %d MB (process %.1f s)",
                what, m.records(), m.bytes() / 1e6, m.nanos() / 1e9, m.recordsPerSecond(), m.megabytesPerSecond(),
                m.peakRssBytes() >> 20, m.wallNanos() / 1e9);
    }

    private List<String> java(BenchSpec spec) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Installation.javaExecutable());
        cmd.addAll(spec.childJavaOptions());
        return cmd;
    }

    private Path jar() {
        Path jar = installation.target().resolve("sluice.jar");
        if (!Files.exists(jar)) {
            throw new SluiceException(Stage.SETUP, jar + " is missing: build it with `mvn -DskipTests package`");
        }
        return jar;
    }

    private Measurement ceiling(BenchSpec spec, String topic, Path work) {
        List<String> cmd = java(spec);
        cmd.addAll(List.of("-cp", jar().toString(), PlainConsumer.class.getName(), spec.bootstrapServers(), topic));
        ChildJvm.Outcome o = ChildJvm.run(cmd, work);
        if (o.exitCode() != 0) {
            throw new SluiceException(Stage.SETUP, "the plain consumer failed (exit " + o.exitCode() + "): " + o.stderr());
        }
        long records = 0;
        long bytes = 0;
        long nanos = 0;
        for (String kv : o.stdout().trim().split("\\s+")) {
            String[] p = kv.split("=");
            switch (p[0]) {
                case "records" -> records = Long.parseLong(p[1]);
                case "bytes" -> bytes = Long.parseLong(p[1]);
                case "nanos" -> nanos = Long.parseLong(p[1]);
                default -> { }
            }
        }
        return new Measurement("ceiling", records, bytes, nanos, o.wallNanos(), o.peakRssBytes());
    }

    private Measurement pipeline(BenchSpec spec, String topic, Path work, long bytes, String registryUrl) {
        Path db = work.resolve("bench.duckdb");
        Path manifest = work.resolve("bench.yaml");
        String yaml = "name: bench\n"
                + "source:\n"
                + "  type: kafka\n"
                + "  connection:\n"
                + "    bootstrap_servers: " + spec.bootstrapServers() + "\n"
                + "  topics: [" + topic + "]\n"
                + "  options:\n"
                + "    read_mode: offsets\n"
                + "    message_format: " + spec.format().word() + "\n"
                + (registryUrl != null ? "    schema_registry_url: \"" + registryUrl + "\"\n" : "")
                + "    batch_size: " + spec.batchSize() + "\n"
                + "sink:\n"
                + "  type: duckdb\n"
                + "  path: " + db + "\n"
                + "  table: sensor_events\n";
        try {
            Files.writeString(manifest, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot write " + manifest + ": " + e.getMessage(), e);
        }
        List<String> cmd = java(spec);
        cmd.addAll(List.of("-jar", jar().toString(), "run", manifest.toString(), "--progress", "none", "--format", "json"));
        ChildJvm.Outcome o = ChildJvm.run(cmd, work);
        if (o.exitCode() != 0) {
            throw new SluiceException(Stage.SETUP, "the pipeline failed (exit " + o.exitCode() + "): " + o.stderr());
        }
        try {
            JsonNode run = new ObjectMapper().readTree(o.stdout()).get(0);
            long read = run.get("read").asLong();
            long nanos = run.get("elapsedNanos").asLong();
            long rows = WarehouseSummary.tables(db).stream().filter(t -> t.name().equals("sensor_events"))
                    .mapToLong(WarehouseSummary.Table::rows).sum();
            if (rows != read) {
                throw new SluiceException(Stage.SETUP, "the pipeline read " + read + " records but the table holds " + rows + " rows");
            }
            return new Measurement("pipeline", read, bytes, nanos, o.wallNanos(), o.peakRssBytes());
        } catch (IOException | RuntimeException e) {
            if (e instanceof SluiceException se) {
                throw se;
            }
            throw new SluiceException(Stage.SETUP, "cannot read the pipeline's result: " + e + "\n" + o.stdout(), e);
        }
    }

    private static void deleteTopic(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.deleteTopics(List.of(topic)).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the topic only costs disk space on a dev broker
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-bench");
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
