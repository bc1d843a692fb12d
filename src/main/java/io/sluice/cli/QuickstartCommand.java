package io.sluice.cli;

import io.sluice.dev.DevSettings;
import io.sluice.dev.GenerateSpec;
import io.sluice.dev.Generator;
import io.sluice.dev.Installation;
import io.sluice.dev.LocalBroker;
import io.sluice.dev.WarehouseSummary;
import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.pipeline.RunProgress;
import io.sluice.pipeline.Words;
import io.sluice.sink.SinkRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.sluice.dev.registry.LocalRegistry;
import io.sluice.dev.registry.RegistryStatus;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.SourceOptions.MessageFormat;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quickstart", description = "Starts (or reuses) a local broker, generates sensor events, runs "
        + "examples/quickstart.yaml into DuckDB and shows what landed.")
final class QuickstartCommand implements Callable<Integer> {
    static final String TOPIC = "sensor-events";

    @Mixin
    DevOptions dev;

    @Option(names = "--count", defaultValue = "100000", description = "Events to generate (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--manifest", description = "Manifest to run (default: examples/quickstart.yaml of the installation).")
    Path manifest;

    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or none (default: ${DEFAULT-VALUE}).")
    Progress.Mode progress;

    @Option(names = "--format", defaultValue = "json", description = "json (default), avro, protobuf or json_schema; the last"
            + " three also start (or reuse) the dev schema registry and run examples/quickstart-registry.yaml.")
    String format;

    @Option(names = "--registry-port", defaultValue = "${env:SLUICE_REGISTRY_PORT:-8081}",
            description = "Schema registry port for registry formats (default: $SLUICE_REGISTRY_PORT when set, else 8081).")
    int registryPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MessageFormat f = SampleFormats.parse(spec, format);
        DevSettings settings = dev.settings().withRegistryPort(registryPort);
        Installation installation = Installation.current();
        Path manifestFile = manifest != null ? manifest
                : installation.examples().resolve(f == MessageFormat.JSON ? "quickstart.yaml" : "quickstart-registry.yaml");
        String topic = f == MessageFormat.JSON ? TOPIC : TOPIC + "-" + f.word();

        LocalBroker.Available broker = new LocalBroker(settings, installation).ensure(msg -> {
            err.println(msg);
            err.flush();
        });
        String bootstrap = broker.bootstrap();
        out.println("1. kafka      " + broker.description());
        out.flush();

        Optional<String> registryUrl = Optional.empty();
        if (f != MessageFormat.JSON) {
            registryUrl = Optional.of(ensureRegistry(settings, installation, out, err));
        }

        Generator.Result gen = Generator.run(new GenerateSpec(bootstrap, topic, count, 0, 4, System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofSeconds(10), f, registryUrl.map(RegistrySpec::of)), msg -> {});
        out.printf("2. generate   %,d sensor events (%s, %.1f MB) into topic %s (%s), %,.0f events/s%n",
                gen.events(), f.word(), gen.bytes() / 1e6, gen.topic(), Words.count(gen.partitions(), "partition"), gen.eventsPerSecond());
        out.flush();

        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SLUICE_FORMAT", f.word());
        registryUrl.ifPresent(u -> env.put("SCHEMA_REGISTRY_URL", u));
        SinkRegistry sinks = SinkRegistry.load();
        Manifest m = new ManifestLoader(env, sinks).load(manifestFile);
        Signals signals = Signals.install();
        List<Path> warehouses = new ArrayList<>();
        java.util.Set<String> tables = new java.util.HashSet<>();
        for (PipelineSpec p : m.pipelines()) {
            if (p.source().topics() instanceof io.sluice.manifest.TopicSelection.Named named) {
                named.topics().forEach(t -> tables.add(p.sink().config().targetFor(t)));
            }
            if (signals.stop.stopped()) {
                break;
            }
            RunProgress r = RunCommand.runOne(p, sinks, progress, signals, err);
            if (r.stoppedBeforeEnd()) {
                return RunCommand.exitCode(signals, true);
            }
            out.printf("3. run        %s: read %,d new records, wrote %,d rows in %.1f s (%,.0f records/s) -> %s%n",
                    p.name(), r.read(), r.written(), r.elapsedNanos() / 1e9, r.recordsPerSecond(), p.sink().config().location());
            if (p.sink().type().equals("duckdb") && !warehouses.contains(Path.of(p.sink().config().location()))) {
                warehouses.add(Path.of(p.sink().config().location()));
            }
        }
        for (Path w : warehouses) {
            report(out, w, tables);
        }
        out.println();
        out.println("Files");
        out.println("  warehouse  " + String.join(", ", warehouses.stream().map(Path::toString).toList()));
        out.println("  manifest   " + manifestFile.toAbsolutePath().normalize());
        out.println("  kafka      " + settings.dir().resolve("kafka") + " (log: broker.log)");
        out.println();
        String table = tables.stream().sorted().findFirst().orElse("sensor_events");
        out.println("Next: run it again for new events only; query the tables with `bin/sluice query " + shown(manifestFile)
                + " \"select count(*) from " + table + "\"`; stop the broker with `bin/" + dev.downCommand() + "`.");
        out.flush();
        return ExitCodes.OK;
    }

    /** Our dev registry, or any registry answering on the port, or a newly started dev registry; returns its URL. */
    private static String ensureRegistry(DevSettings settings, Installation installation, PrintWriter out, PrintWriter err) {
        LocalRegistry local = new LocalRegistry(settings, installation);
        RegistryStatus s = local.status();
        String description;
        if (s.running()) {
            description = "reusing the dev schema registry on " + s.url() + " (pid " + s.pid().map(String::valueOf).orElse("?") + ")";
        } else if (!new SchemaRegistryClient(RegistrySpec.of(settings.registryUrl()).withRetries(0)).answers()) {
            s = local.up(msg -> {
                err.println(msg);
                err.flush();
            });
            description = "started a dev schema registry on " + s.url() + " (pid " + s.pid().map(String::valueOf).orElse("?") + ")";
        } else {
            description = "reusing the schema registry answering on " + settings.registryUrl();
            s = local.status();
        }
        out.println("   registry   " + description);
        out.flush();
        return s.running() ? s.url() : settings.registryUrl();
    }

    /** The tables the pipelines wrote (all of the warehouse when their topics are a pattern). */
    private static void report(PrintWriter out, Path warehouse, java.util.Set<String> tables) {
        for (WarehouseSummary.Table t : WarehouseSummary.tables(warehouse)) {
            if (!tables.isEmpty() && !tables.contains(t.name())) {
                continue;
            }
            out.println();
            out.printf("Table %s in %s: %,d rows, %d columns%n", t.name(), warehouse.getFileName(), t.rows(), t.columns().size());
            printColumns(out, t.columns());
            for (WarehouseSummary.Result r : WarehouseSummary.sensorAggregates(warehouse, t).values()) {
                out.println();
                out.println(r.title());
                List<Map<String, Object>> rows = new ArrayList<>();
                for (List<String> row : r.rows()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    for (int i = 0; i < row.size(); i++) {
                        o.put(r.header().get(i), row.get(i));
                    }
                    rows.add(o);
                }
                Table.print(out, rows, r.header(), "  ");
            }
        }
    }

    /** Columns as "name TYPE" cells, three per line. */
    private static void printColumns(PrintWriter out, List<WarehouseSummary.Column> columns) {
        int width = columns.stream().mapToInt(c -> c.name().length() + 1 + c.type().length()).max().orElse(0);
        StringBuilder line = new StringBuilder("  ");
        int n = 0;
        for (WarehouseSummary.Column c : columns) {
            String cell = c.name() + " " + c.type();
            line.append(cell).append(" ".repeat(width - cell.length() + 3));
            if (++n % 3 == 0) {
                out.println(line.toString().stripTrailing());
                line.setLength(0);
                line.append("  ");
            }
        }
        if (n % 3 != 0) {
            out.println(line.toString().stripTrailing());
        }
    }

    /** {@code file} relative to the working directory when it lies below it (examples/quickstart.yaml), else absolute. */
    static String shown(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
