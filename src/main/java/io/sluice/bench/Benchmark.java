package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.dev.GenerateSpec;
import io.sluice.dev.Generator;
import io.sluice.dev.Installation;
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
import java.util.Locale;
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
 * KafkaConsumer (the ceiling), then with {@code sluice run} into the chosen sink, each in its own JVM with the same
 * options, and compare speed, CPU time and memory. The pipeline's result is checked (every record landed exactly
 * once) before it counts.
 */
public final class Benchmark {

    /**
     * A measured reader: records, bytes, its own reading time, its process's wall time and peak RSS, and CPU time:
     * {@code windowCpuNanos} over the reading time (as the process itself measured it), {@code processCpuNanos} for
     * the whole process including JVM start-up (sampled from {@code /proc}). Unknown values are -1.
     */
    public record Measurement(String name, long records, long bytes, long nanos, long wallNanos, long peakRssBytes,
            long windowCpuNanos, long processCpuNanos) {
        public double recordsPerSecond() {
            return records * 1e9 / nanos;
        }

        public double megabytesPerSecond() {
            return bytes / 1e6 * 1e9 / nanos;
        }

        /** Whether {@link #cpuNanos()} covers the reading time only; otherwise it is the whole process's. */
        public boolean cpuIsWindow() {
            return windowCpuNanos >= 0;
        }

        /** CPU time over the reading time, or of the whole process when the window's is unknown; -1 when neither is known. */
        public long cpuNanos() {
            return cpuIsWindow() ? windowCpuNanos : processCpuNanos;
        }

        /** {@link #cpuNanos()} in seconds per 1M records; NaN when unknown. */
        public double cpuSecondsPerMillion() {
            return cpuNanos() < 0 || records == 0 ? Double.NaN : cpuNanos() / 1e9 * 1e6 / records;
        }
    }

    /** The figures of a run. */
    public record Report(long records, long bytes, Generator.Result produced, Measurement ceiling, Measurement pipeline) {
        public double ratio() {
            return pipeline.recordsPerSecond() / ceiling.recordsPerSecond();
        }

        /**
         * The machine-readable last line of {@code sluice bench}: {@code ratio=<x> pipeline_rps=<n> ceiling_rps=<n>
         * pipeline_cpu_s_per_m=<x> ceiling_cpu_s_per_m=<x> peak_rss_mb=<n>}, where the CPU figures are CPU seconds per 1M
         * records over each reader's reading time (the whole process's where the JVM cannot measure that; the readable
         * lines say which), and {@code peak_rss_mb} is the pipeline's; -1 for what is unknown.
         */
        public String lastLine() {
            return String.format(Locale.ROOT, "ratio=%.2f pipeline_rps=%.0f ceiling_rps=%.0f pipeline_cpu_s_per_m=%s"
                    + " ceiling_cpu_s_per_m=%s peak_rss_mb=%d", ratio(), pipeline.recordsPerSecond(), ceiling.recordsPerSecond(),
                    cpu(pipeline), cpu(ceiling), pipeline.peakRssBytes() < 0 ? -1 : pipeline.peakRssBytes() >> 20);
        }

        private static String cpu(Measurement m) {
            double v = m.cpuSecondsPerMillion();
            return Double.isNaN(v) ? "-1" : String.format(Locale.ROOT, "%.2f", v);
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
            log.accept(cpuLine("ceiling: ", ceiling));
            SinkUnderTest sink = SinkUnderTest.of(spec.sink(), work, topic);
            Measurement pipeline = pipeline(spec, topic, work, sink, produced.events(), ceiling.bytes(),
                    typed ? registry.url() : null);
            log.accept(line("pipeline: sluice run " + spec.format().word() + " -> " + sink.label(), pipeline));
            log.accept(cpuLine("pipeline:", pipeline));
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
        return String.format("%s: %,d records, %.1f MB in %.2f s: %,.0f records/s, %.1f MB/s, peak RSS %s (process %.1f s)",
                what, m.records(), m.bytes() / 1e6, m.nanos() / 1e9, m.recordsPerSecond(), m.megabytesPerSecond(),
                m.peakRssBytes() < 0 ? "unknown" : (m.peakRssBytes() >> 20) + " MB", m.wallNanos() / 1e9);
    }

    static String cpuLine(String who, Measurement m) {
        if (m.cpuNanos() < 0) {
            return who + " CPU time unknown (no /proc and no process CPU time in this JVM)";
        }
        String whole = m.processCpuNanos() < 0 ? "" : String.format(Locale.ROOT, " (whole process %.2f s, JVM start-up included)",
                m.processCpuNanos() / 1e9);
        String what = m.cpuIsWindow() ? String.format(Locale.ROOT, "CPU %.2f s while reading%s", m.cpuNanos() / 1e9, whole)
                : String.format(Locale.ROOT, "CPU %.2f s for the whole process, JVM start-up included (the reading time alone is not known)",
                        m.cpuNanos() / 1e9);
        String cores = m.cpuIsWindow() ? String.format(Locale.ROOT, ", %.2f cores busy", m.cpuNanos() / (double) m.nanos()) : "";
        return String.format(Locale.ROOT, "%s %s: %.2f CPU s per 1M records%s", who, what, m.cpuSecondsPerMillion(), cores);
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
        long cpu = -1;
        for (String kv : o.stdout().trim().split("\\s+")) {
            String[] p = kv.split("=");
            switch (p[0]) {
                case "records" -> records = Long.parseLong(p[1]);
                case "bytes" -> bytes = Long.parseLong(p[1]);
                case "nanos" -> nanos = Long.parseLong(p[1]);
                case "cpu_nanos" -> cpu = Long.parseLong(p[1]);
                default -> { }
            }
        }
        return new Measurement("ceiling", records, bytes, nanos, o.wallNanos(), o.peakRssBytes(), cpu, o.processCpuNanos());
    }

    private Measurement pipeline(BenchSpec spec, String topic, Path work, SinkUnderTest sink, long produced, long bytes,
            String registryUrl) {
        Path manifest = work.resolve("bench.yaml");
        String yaml = manifest(spec, topic, sink, registryUrl);
        try {
            Files.writeString(manifest, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot write " + manifest + ": " + e.getMessage(), e);
        }
        List<String> cmd = java(spec);
        cmd.addAll(List.of("-jar", jar().toString(), "run", manifest.toString(), "--progress", "none", "--format", "json"));
        ChildJvm.Outcome o = ChildJvm.run(cmd, work);
        if (o.exitCode() != 0) {
            throw new SluiceException(Stage.SETUP, "the pipeline into " + sink.label() + " failed (exit " + o.exitCode() + "): "
                    + o.stderr().strip());
        }
        long read;
        long nanos;
        long cpu;
        try {
            JsonNode run = summary(o.stdout()).get(0);
            read = run.get("read").asLong();
            nanos = run.get("elapsedNanos").asLong();
            cpu = run.path("processCpuNanos").asLong(-1);
        } catch (IOException | RuntimeException e) {
            throw new SluiceException(Stage.SETUP, "cannot read the pipeline's result: " + e + "\n" + o.stdout(), e);
        }
        SinkUnderTest.Landed landed = sink.landed();
        if (landed.rows() != produced || landed.distinctPositions() != produced) {
            throw new SluiceException(Stage.SETUP, String.format("the pipeline did not land every record exactly once in %s: "
                    + "produced %d, read %d, found %d rows with %d distinct (partition, offset)", sink.label(), produced, read,
                    landed.rows(), landed.distinctPositions()));
        }
        return new Measurement("pipeline", read, bytes, nanos, o.wallNanos(), o.peakRssBytes(), cpu, o.processCpuNanos());
    }

    /**
     * The run's JSON summary (an array), after whatever the JVM itself printed first: JFR announces its recording on
     * stdout in lines that start with {@code [} too, such as {@code [0.8s][info][jfr,startup] ...}.
     */
    static JsonNode summary(String stdout) throws IOException {
        ObjectMapper json = new ObjectMapper();
        IOException last = null;
        for (int at = 0; at >= 0 && at < stdout.length(); at = nextLine(stdout, at)) {
            if (stdout.startsWith("[", at)) {
                try {
                    JsonNode node = json.readTree(stdout.substring(at));
                    if (node.isArray()) {
                        return node;
                    }
                } catch (IOException e) {
                    last = e;
                }
            }
        }
        throw last != null ? last : new IOException("no JSON array in the output");
    }

    private static int nextLine(String s, int from) {
        int nl = s.indexOf('\n', from);
        return nl < 0 ? -1 : nl + 1;
    }

    /** The manifest of the measured pipeline: a bounded read of {@code topic} into {@code sink}. */
    static String manifest(BenchSpec spec, String topic, SinkUnderTest sink, String registryUrl) {
        return "name: bench\n"
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
                + sink.manifestSection()
                + String.join("", spec.sinkOptions().entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue() + "\n").toList());
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
