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
import io.sluice.pipeline.StopSignal;
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DevSettings settings = dev.settings();
        Installation installation = Installation.current();
        Path manifestFile = manifest != null ? manifest : installation.examples().resolve("quickstart.yaml");

        LocalBroker.Available broker = new LocalBroker(settings, installation).ensure(msg -> {
            err.println(msg);
            err.flush();
        });
        String bootstrap = broker.bootstrap();
        out.println("1. kafka      " + broker.description());
        out.flush();

        Generator.Result gen = Generator.run(new GenerateSpec(bootstrap, TOPIC, count, 0, 4, System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofSeconds(10)), msg -> {});
        out.printf("2. generate   %,d sensor events (%.1f MB) into topic %s (%d partitions), %,.0f events/s%n",
                gen.events(), gen.bytes() / 1e6, gen.topic(), gen.partitions(), gen.eventsPerSecond());
        out.flush();

        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        SinkRegistry sinks = SinkRegistry.load();
        Manifest m = new ManifestLoader(env, sinks).load(manifestFile);
        StopSignal stop = new StopSignal();
        RunCommand.installSignalHandlers(stop);
        List<Path> warehouses = new ArrayList<>();
        for (PipelineSpec p : m.pipelines()) {
            RunProgress r = RunCommand.runOne(p, sinks, progress, stop, err);
            out.printf("3. run        %s: read %,d new records, wrote %,d rows in %.1f s (%,.0f records/s) -> %s%n",
                    p.name(), r.read(), r.written(), r.elapsedNanos() / 1e9, r.recordsPerSecond(), p.sink().config().location());
            if (p.sink().type().equals("duckdb") && !warehouses.contains(Path.of(p.sink().config().location()))) {
                warehouses.add(Path.of(p.sink().config().location()));
            }
        }
        for (Path w : warehouses) {
            report(out, w);
        }
        out.println();
        out.println("Files");
        out.println("  warehouse  " + String.join(", ", warehouses.stream().map(Path::toString).toList()));
        out.println("  manifest   " + manifestFile.toAbsolutePath().normalize());
        out.println("  kafka      " + settings.dir().resolve("kafka") + " (log: broker.log)");
        out.println();
        out.println("Next: run it again for new events only; query with DuckDB; stop the broker with `bin/" + dev.downCommand() + "`.");
        out.flush();
        return ExitCodes.OK;
    }

    private static void report(PrintWriter out, Path warehouse) {
        for (WarehouseSummary.Table t : WarehouseSummary.tables(warehouse)) {
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
}
