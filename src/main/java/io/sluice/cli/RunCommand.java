package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.PipelineSpec;
import io.sluice.pipeline.PipelineResources;
import io.sluice.pipeline.RunProgress;
import io.sluice.pipeline.StopSignal;
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
import sun.misc.Signal;

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
        StopSignal stop = new StopSignal();
        installSignalHandlers(stop);
        PrintWriter err = spec.commandLine().getErr();
        List<RunProgress> results = new ArrayList<>();
        for (PipelineSpec p : pipelines) {
            if (stop.stopped()) {
                break;
            }
            results.add(runOne(p, opts.sinks, progress, stop, err));
        }
        if (opts.json()) {
            spec.commandLine().getOut().println(Json.write(results));
        }
        return ExitCodes.OK;
    }

    /** Runs one pipeline with a progress display and prints its one-line summary. */
    static RunProgress runOne(PipelineSpec p, SinkRegistry sinks, Progress.Mode mode, StopSignal stop, PrintWriter err) {
        long t0 = System.nanoTime();
        RunProgress result;
        try (PipelineResources res = PipelineResources.open(p, sinks);
                Progress.Display display = Progress.display(mode, err)) {
            result = res.runner(display, stop).run();
        }
        // the reported duration covers opening and closing the sink too (DuckDB checkpoints on close)
        result = result.withElapsed(System.nanoTime() - t0);
        err.println(result.summary());
        err.flush();
        return result;
    }

    /** The first SIGINT/SIGTERM finishes the batch in hand; a second one ends the process at once. */
    static void installSignalHandlers(StopSignal stop) {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (stop.stopped()) {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                    System.err.println("sluice: stopping after the current batch (signal " + name + " again to abort)");
                    stop.stop();
                });
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the default handling stays
            }
        }
    }
}
