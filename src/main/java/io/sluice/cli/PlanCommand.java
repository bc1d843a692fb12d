package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.PipelineSpec;
import io.sluice.sink.Positions;
import io.sluice.source.PartitionRange;
import io.sluice.source.ReadPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "plan", description = "Shows, per partition, what the next run would read and where it goes; writes nothing.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    ManifestOptions opts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Manifest m = opts.load();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (PipelineSpec p : opts.selected(m)) {
            Positions positions = opts.positions(p);
            Map<TopicPartition, Long> stored = positions.nextOffsets();
            try (SourceSession source = SourceSession.open(p)) {
                ReadPlan plan = source.plan(positions);
                warnings.addAll(plan.warnings());
                for (PartitionRange r : plan.ranges()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("pipeline", p.name());
                    row.put("topic", r.partition().topic());
                    row.put("partition", r.partition().partition());
                    row.put("stored_offset", stored.get(r.partition()));
                    row.put("start_offset", r.startNext());
                    row.put("end_offset", r.bounded() ? r.endNext() : null);
                    row.put("records_to_read", r.bounded() ? r.span() : null);
                    row.put("table", p.sink().config().targetFor(r.partition().topic()));
                    rows.add(row);
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        warnings.forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        if (opts.json()) {
            out.println(Json.write(rows));
        } else {
            Table.print(out, rows, List.of("pipeline", "topic", "partition", "stored_offset", "start_offset", "end_offset",
                    "records_to_read", "table"));
            long total = rows.stream().mapToLong(r -> r.get("records_to_read") instanceof Long l ? l : 0).sum();
            out.println("records to read (at most): " + total);
        }
        return ExitCodes.OK;
    }
}
