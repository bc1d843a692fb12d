package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.PipelineSpec;
import io.sluice.pipeline.PipelineResources;
import io.sluice.pipeline.ProcessCpu;
import io.sluice.pipeline.RunProgress;
import io.sluice.sink.SinkRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Runs the manifest's pipelines: bounded slices, or continuously until SIGINT/SIGTERM.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ManifestOptions opts;

    @Option(names = "--progress", defaultValue = "auto",
            description = "auto (a bar on a terminal, lines otherwise), bar, lines or none (default: ${DEFAULT-VALUE}).")
    Progress.Mode progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Manifest m = opts.load();
        List<PipelineSpec> pipelines = opts.selected(m);
        Signals signals = Signals.install();
        PrintWriter err = spec.commandLine().getErr();
        List<RunProgress> results = new ArrayList<>();
        boolean cutShort = false;
        for (PipelineSpec p : pipelines) {
            if (signals.stop.stopped()) {
                err.println("pipeline " + p.name() + ": not started (" + signals.signalName() + ")");
                cutShort |= p.source().options().readMode().bounded();
                continue;
            }
            RunProgress r = runOne(p, opts.sinks, progress, signals, err);
            cutShort |= r.stoppedBeforeEnd();
            results.add(r);
        }
        err.flush();
        if (opts.json()) {
            spec.commandLine().getOut().println(Json.write(results));
        }
        return exitCode(signals, cutShort);
    }

    /**
     * A bounded slice that a signal cut short did not do its job, so a scheduler must not see success: 128 + the
     * signal's number, as a shell reports it. A continuous run has no end, so a stop is how it finishes: 0.
     */
    static int exitCode(Signals signals, boolean cutShort) {
        return cutShort && signals.signal().isPresent() ? ExitCodes.stoppedBy(signals.signal().getAsInt()) : ExitCodes.OK;
    }

    /** Runs one pipeline with a progress display and prints its one-line summary. */
    static RunProgress runOne(PipelineSpec p, SinkRegistry sinks, Progress.Mode mode, Signals signals, PrintWriter err) {
        long t0 = System.nanoTime();
        long cpu0 = ProcessCpu.nanos();
        RunProgress result;
        try (PipelineResources res = PipelineResources.open(p, sinks);
                Progress.Display display = Progress.display(mode, err)) {
            result = res.runner(signals.watching(display), signals.stop).run();
        }
        // the reported duration and CPU cover opening and closing the sink too (DuckDB checkpoints on close)
        result = result.withElapsed(System.nanoTime() - t0, ProcessCpu.since(cpu0));
        String summary = result.summary();
        if (result.stoppedBeforeEnd() && signals.signal().isPresent()) {
            summary = summary.replaceFirst(": stopped before", ": " + signals.signalName() + " stopped it before");
        }
        err.println(summary);
        err.flush();
        return result;
    }
}
