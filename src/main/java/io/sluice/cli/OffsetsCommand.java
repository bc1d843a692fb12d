package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.PipelineSpec;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.Sink;
import io.sluice.sink.TablePosition;
import io.sluice.sink.SinkProvider;
import io.sluice.source.TopicMetadata;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "offsets", description = "Shows or moves a pipeline's stored offsets.",
        subcommands = {OffsetsCommand.Show.class, OffsetsCommand.Reset.class})
final class OffsetsCommand {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    @Command(name = "show", description = "Stored next offsets per partition and the lag to the high watermark.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ManifestOptions opts;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Manifest m = opts.load();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (PipelineSpec p : opts.selected(m)) {
                Map<TopicPartition, Long> stored = opts.positions(p).nextOffsets();
                try (SourceSession source = SourceSession.open(p)) {
                    List<TopicPartition> live = source.planner().partitions();
                    TreeSet<TopicPartition> parts = new TreeSet<>(ORDER);
                    parts.addAll(live);
                    // a sink shared with other pipelines holds their positions too: show only the topics this one reads
                    stored.keySet().stream().filter(tp -> p.source().topics().matches(tp.topic())).forEach(parts::add);
                    Map<TopicPartition, Long> end = live.isEmpty() ? Map.of() : source.metadata().endOffsets(live);
                    for (TopicPartition tp : parts) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        Long s = stored.get(tp);
                        Long e = end.get(tp);
                        row.put("pipeline", p.name());
                        row.put("topic", tp.topic());
                        row.put("partition", tp.partition());
                        row.put("table", p.sink().config().targetFor(tp.topic()));
                        row.put("stored_offset", s);
                        row.put("end_offset", e);
                        row.put("lag", e == null ? null : e - (s == null ? 0 : s));
                        rows.add(row);
                    }
                }
            }
            if (opts.json()) {
                spec.commandLine().getOut().println(Json.write(rows));
            } else {
                Table.print(spec.commandLine().getOut(), rows,
                        List.of("pipeline", "topic", "partition", "table", "stored_offset", "end_offset", "lag"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "reset", description = "Moves stored offsets to earliest, latest, a timestamp or explicit offsets.")
    static final class Reset implements Callable<Integer> {
        @Mixin
        ManifestOptions opts;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--to", paramLabel = "POSITION", description = "earliest, latest, or an ISO-8601 timestamp.")
            String to;

            @Option(names = "--offsets", paramLabel = "TOPIC:PARTITION=OFFSET", split = ",",
                    description = "Explicit next offsets, e.g. events:0=1200,events:1=950.")
            List<String> offsets;
        }

        @Option(names = "--yes", description = "Apply the change (without it, only shows what would change).")
        boolean yes;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Manifest m = opts.load();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Map<String, Object>> rows = new ArrayList<>();
            Map<PipelineSpec, List<TablePosition>> changes = new LinkedHashMap<>();
            for (PipelineSpec p : opts.selected(m)) {
                Map<TopicPartition, Long> stored = opts.positions(p).nextOffsets();
                Map<TopicPartition, Long> wanted;
                Map<String, String> ids;
                try (SourceSession source = SourceSession.open(p)) {
                    List<TopicPartition> parts = source.planner().partitions();
                    wanted = resolve(source.metadata(), parts);
                    ids = source.metadata().topicIds(parts.stream().map(TopicPartition::topic).distinct().toList());
                }
                List<TablePosition> positions = new ArrayList<>();
                // the current topic id goes with the new offsets: they count the records of the topic as it is now
                wanted.forEach((tp, o) -> positions.add(new TablePosition(p.sink().config().targetFor(tp.topic()), tp, o,
                        java.util.Optional.ofNullable(ids.get(tp.topic())))));
                changes.put(p, positions);
                wanted.entrySet().stream().sorted(Map.Entry.comparingByKey(ORDER)).forEach(e -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("pipeline", p.name());
                    row.put("topic", e.getKey().topic());
                    row.put("partition", e.getKey().partition());
                    row.put("table", p.sink().config().targetFor(e.getKey().topic()));
                    row.put("stored_offset", stored.get(e.getKey()));
                    row.put("new_offset", e.getValue());
                    rows.add(row);
                });
            }
            if (opts.json()) {
                out.println(Json.write(Map.of("applied", yes, "changes", rows)));
            } else {
                Table.print(out, rows, List.of("pipeline", "topic", "partition", "table", "stored_offset", "new_offset"));
            }
            if (!yes) {
                err.println("sluice: not applied: add --yes to move the stored offsets as shown");
                return ExitCodes.INVALID;
            }
            for (Map.Entry<PipelineSpec, List<TablePosition>> c : changes.entrySet()) {
                try (Sink sink = provider(opts, c.getKey()).open(c.getKey().sink().config(), c.getKey().name())) {
                    sink.storePositions(c.getValue());
                }
            }
            err.println("sluice: stored offsets moved for " + io.sluice.pipeline.Words.count(rows.size(), "partition"));
            return ExitCodes.OK;
        }

        private Map<TopicPartition, Long> resolve(TopicMetadata meta, List<TopicPartition> parts) {
            Map<TopicPartition, Long> end = meta.endOffsets(parts);
            if (target.offsets != null) {
                Map<TopicPartition, Long> out = new HashMap<>();
                for (String spec : target.offsets) {
                    int colon = spec.lastIndexOf(':');
                    int eq = spec.indexOf('=', colon + 1);
                    TopicPartition tp;
                    long offset;
                    try {
                        tp = new TopicPartition(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1, eq)));
                        offset = Long.parseLong(spec.substring(eq + 1));
                    } catch (RuntimeException e) {
                        throw new SluiceException(Stage.MANIFEST, "--offsets " + spec + ": expected TOPIC:PARTITION=OFFSET");
                    }
                    if (!end.containsKey(tp)) {
                        throw new SluiceException(Stage.MANIFEST, "--offsets " + spec + ": partition " + tp
                                + " is not read by this pipeline");
                    }
                    if (offset < 0 || offset > end.get(tp)) {
                        throw new SluiceException(Stage.MANIFEST, "--offsets " + spec + ": offset must be between 0 and the end offset "
                                + end.get(tp));
                    }
                    out.put(tp, offset);
                }
                return out;
            }
            switch (target.to) {
                case "earliest":
                    return meta.beginningOffsets(parts);
                case "latest":
                    return end;
                default:
                    Instant t;
                    try {
                        t = Instant.parse(target.to);
                    } catch (DateTimeParseException e) {
                        throw new SluiceException(Stage.MANIFEST, "--to " + target.to
                                + ": expected earliest, latest, or an ISO-8601 timestamp such as 2026-01-01T00:00:00Z");
                    }
                    Map<TopicPartition, Long> found = meta.offsetsForTime(parts, t.toEpochMilli());
                    Map<TopicPartition, Long> out = new HashMap<>();
                    parts.forEach(p -> out.put(p, found.get(p) == null ? end.get(p) : found.get(p)));
                    return out;
            }
        }
    }

    private static SinkProvider provider(ManifestOptions opts, PipelineSpec p) {
        return opts.sinks.provider(p.sink().type()).orElseThrow();
    }
}
