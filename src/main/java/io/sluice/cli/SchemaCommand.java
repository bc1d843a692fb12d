package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.SourceOptions;
import io.sluice.pipeline.SchemaSampler;
import io.sluice.schema.Column;
import io.sluice.schema.Evolution;
import io.sluice.schema.SchemaChange;
import io.sluice.schema.SchemaChangeException;
import io.sluice.schema.TableBatch;
import io.sluice.sink.SinkProvider;
import io.sluice.source.PartitionRange;
import io.sluice.source.TopicMetadata;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "schema", description = "Table schemas from a sample of the data: schema infer | diff. Writes nothing.",
        subcommands = {SchemaCommand.Infer.class, SchemaCommand.Diff.class})
final class SchemaCommand {

    /** Options both subcommands share. */
    static final class Sampling {
        @Option(names = "--sample", defaultValue = "1000", description = "Records to sample per pipeline (default: ${DEFAULT-VALUE}).")
        long sample;

        @Option(names = "--wait", defaultValue = "10", description = "Seconds to wait for records that do not come (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        void check(CommandSpec spec) {
            if (sample < 1 || waitSeconds < 1) {
                throw new ParameterException(spec.commandLine(), "--sample and --wait must be >= 1");
            }
        }

        /** Samples the ranges {@code what} picks (at most --sample records) and warns about records that did not decode. */
        SchemaSampler.Sample sample(PipelineSpec p, java.util.function.Function<SourceSession, List<PartitionRange>> what,
                CommandSpec spec) {
            SchemaSampler.Sample s;
            try (SourceSession source = SourceSession.open(p)) {
                s = SchemaSampler.sample(p, source.consumer(), what.apply(source), sample, Duration.ofSeconds(waitSeconds));
            }
            report(p, s, spec);
            return s;
        }
    }

    @Command(name = "infer", description = "Samples the newest records of each pipeline's topics and prints the table schema"
            + " they decode to, with the sink's CREATE TABLE statement.")
    static final class Infer implements Callable<Integer> {
        @Mixin
        ManifestOptions opts;

        @Mixin
        Sampling sampling;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            sampling.check(spec);
            Manifest m = opts.load();
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> json = new ArrayList<>();
            for (PipelineSpec p : opts.selected(m)) {
                SchemaSampler.Sample sample = sampling.sample(p,
                        source -> newest(source.metadata(), source.planner().partitions(), sampling.sample), spec);
                SinkProvider provider = opts.sinks.provider(p.sink().type()).orElseThrow();
                for (TableBatch t : sample.tables().values()) {
                    if (opts.json()) {
                        json.add(tableJson(p, t.table(), t.columns(), sample));
                        continue;
                    }
                    out.println("pipeline " + p.name() + ", table " + t.table() + " (from " + t.size() + " sampled records):");
                    printColumns(out, t.columns());
                    printSubjects(out, p, sample.schemaIds().getOrDefault(t.table(), Map.of()));
                    out.println();
                    out.println(provider.createTableStatement(p.sink().config(), t.table(), t.columns()));
                    out.println();
                }
                if (sample.tables().isEmpty() && !opts.json()) {
                    out.println("pipeline " + p.name() + ": no records to sample");
                }
            }
            if (opts.json()) {
                out.println(Json.write(json));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "diff", description = "Samples what the next run would read and shows how it would change each table"
            + " under the pipeline's schema.evolution policy. Exit 3 when the next run would stop on a schema change.")
    static final class Diff implements Callable<Integer> {
        @Mixin
        ManifestOptions opts;

        @Mixin
        Sampling sampling;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            sampling.check(spec);
            Manifest m = opts.load();
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> json = new ArrayList<>();
            int exit = ExitCodes.OK;
            for (PipelineSpec p : opts.selected(m)) {
                SinkProvider provider = opts.sinks.provider(p.sink().type()).orElseThrow();
                io.sluice.sink.Positions stored = opts.positions(p);
                SchemaSampler.Sample sample = sampling.sample(p,
                        source -> limited(source.plan(stored).ranges(), sampling.sample), spec);
                for (TableBatch t : sample.tables().values()) {
                    Optional<List<Column>> current = provider.readColumns(p.sink().config(), t.table());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("pipeline", p.name());
                    row.put("table", t.table());
                    row.put("sampled", t.size());
                    row.put("sink", p.sink().type());
                    try {
                        // the sink's capabilities decide, as in a run: what it stores each type as, which widenings it applies
                        Evolution.Outcome o = Evolution.apply(p.evolution(),
                                p.source().options().onError() == SourceOptions.OnError.SKIP, t.table(), current, t,
                                provider.capabilities(p.sink().config()).types());
                        List<String> lines = o.changes().stream().map(SchemaChange::describe).toList();
                        row.put("changes", lines);
                        row.put("would_fail", null);
                        if (!opts.json()) {
                            out.println("pipeline " + p.name() + ", " + p.sink().type() + " table " + t.table() + " (from " + t.size() + " sampled records): "
                                    + (lines.isEmpty() ? "no change" : ""));
                            lines.forEach(l -> out.println("  " + l));
                            if (o.rowsDiscarded() > 0 || o.valuesDiscarded() > 0) {
                                out.println("  (would leave out " + o.rowsDiscarded() + " rows and drop " + o.valuesDiscarded()
                                        + " values, by schema.evolution.new_column)");
                            }
                            if (!o.limitWarning().isEmpty()) {
                                out.println("  (would have " + o.limitWarning().replaceFirst("^table [^:]*: ", "") + ")");
                            }
                        }
                    } catch (SchemaChangeException e) {
                        exit = ExitCodes.STOPPED_BY_CHECK;
                        row.put("changes", List.of());
                        row.put("would_fail", e.getMessage());
                        if (!opts.json()) {
                            out.println("pipeline " + p.name() + ", " + p.sink().type() + " table " + t.table() + ": the next run would stop: "
                                    + e.getMessage());
                        }
                    }
                    json.add(row);
                }
                if (sample.tables().isEmpty() && !opts.json()) {
                    out.println("pipeline " + p.name() + ": nothing new to read");
                }
            }
            if (opts.json()) {
                out.println(Json.write(json));
            }
            out.flush();
            return exit;
        }
    }

    /** The last {@code limit} records of the partitions, shared out evenly. */
    static List<PartitionRange> newest(TopicMetadata metadata, List<TopicPartition> partitions, long limit) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, Long> begin = metadata.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = metadata.endOffsets(partitions);
        long per = Math.max(1, (limit + partitions.size() - 1) / partitions.size());
        List<PartitionRange> out = new ArrayList<>();
        for (TopicPartition p : partitions) {
            long e = end.getOrDefault(p, 0L);
            long b = begin.getOrDefault(p, 0L);
            if (e > b) {
                out.add(new PartitionRange(p, Math.max(b, e - per), e));
            }
        }
        return out;
    }

    /** The first records of the next run's ranges, shared out evenly. */
    static List<PartitionRange> limited(List<PartitionRange> ranges, long limit) {
        if (ranges.isEmpty()) {
            return ranges;
        }
        long per = Math.max(1, (limit + ranges.size() - 1) / ranges.size());
        List<PartitionRange> out = new ArrayList<>();
        for (PartitionRange r : ranges) {
            long end = r.bounded() ? Math.min(r.endNext(), r.startNext() + per) : r.startNext() + per;
            if (end > r.startNext()) {
                out.add(new PartitionRange(r.partition(), r.startNext(), end));
            }
        }
        return out;
    }

    private static void report(PipelineSpec p, SchemaSampler.Sample sample, CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        if (sample.failed() > 0) {
            err.println("warning: pipeline " + p.name() + ": " + sample.failed() + " of " + sample.read()
                    + " sampled records did not decode:");
            sample.problems().forEach(pr -> err.println("  " + pr));
            err.flush();
        }
    }

    /** Where each writer schema is registered, and the subject the manifest's subject_name_strategy names. */
    private static void printSubjects(PrintWriter out, PipelineSpec p, Map<Integer, String> ids) {
        Optional<io.sluice.manifest.RegistrySpec> spec = p.source().options().schemas().registry();
        if (ids.isEmpty() || spec.isEmpty()) {
            return;
        }
        io.sluice.format.registry.SchemaRegistryClient client = new io.sluice.format.registry.SchemaRegistryClient(spec.get());
        io.sluice.manifest.SchemaOptions.SubjectNameStrategy strategy = p.source().options().schemas().subjects();
        out.println();
        for (Map.Entry<Integer, String> e : ids.entrySet()) {
            io.sluice.format.registry.RegisteredSchema s = client.schemaById(e.getKey());
            Optional<String> record = client.recordName(s);
            String expected = strategy == io.sluice.manifest.SchemaOptions.SubjectNameStrategy.TOPIC || record.isPresent()
                    ? strategy.subject(e.getValue(), record.orElse(""), false) : "(the schema has no record name)";
            out.println("  writer schema id " + e.getKey() + record.map(r -> " (" + r + ")").orElse("") + ": registered as "
                    + String.join(", ", client.subjectsOf(e.getKey())) + "; subject_name_strategy "
                    + strategy.name().toLowerCase(java.util.Locale.ROOT) + " names " + expected);
        }
    }

    private static void printColumns(PrintWriter out, List<Column> columns) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Column c : columns) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("column", c.name());
            r.put("type", c.type().describe());
            rows.add(r);
        }
        Table.print(out, rows, List.of("column", "type"), "  ");
    }

    private static Map<String, Object> tableJson(PipelineSpec p, String table, List<Column> columns, SchemaSampler.Sample sample) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pipeline", p.name());
        row.put("table", table);
        List<Map<String, Object>> cols = new ArrayList<>();
        for (Column c : columns) {
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("name", c.name());
            col.put("type", c.type().describe());
            cols.add(col);
        }
        row.put("columns", cols);
        row.put("sampled", sample.read());
        return row;
    }
}
