package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.PipelineSpec;
import io.sluice.pipeline.PipelineResources;
import io.sluice.pipeline.RunListener;
import io.sluice.pipeline.RunProgress;
import io.sluice.pipeline.StopSignal;
import io.sluice.source.ReadPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "run", description = "Runs the manifest's pipelines: bounded slices, or continuously until SIGINT/SIGTERM.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ManifestOptions opts;

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
            try (PipelineResources res = PipelineResources.open(p, opts.sinks)) {
                RunProgress result = res.runner(new ProgressLog(err), stop).run();
                err.println(result.summary());
                err.flush();
                results.add(result);
            }
        }
        if (opts.json()) {
            spec.commandLine().getOut().println(Json.write(results));
        }
        return ExitCodes.OK;
    }

    /** The first SIGINT/SIGTERM finishes the batch in hand; a second one ends the process at once. */
    private static void installSignalHandlers(StopSignal stop) {
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

    /** Progress lines at most every few seconds, and warnings, on stderr. */
    static final class ProgressLog implements RunListener {
        private final PrintWriter err;
        private long lastLog = System.nanoTime();

        ProgressLog(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void planned(ReadPlan plan) {
            err.println("planned " + plan.ranges().size() + " partitions"
                    + (plan.recordsToRead() > 0 ? ", up to " + plan.recordsToRead() + " records" : ""));
            err.flush();
        }

        @Override
        public void warning(String message) {
            err.println("warning: " + message);
            err.flush();
        }

        @Override
        public void committed(RunProgress p) {
            long now = System.nanoTime();
            boolean continuous = p.planned() == 0;
            if (!continuous && now - lastLog < 2_000_000_000L) {
                return;
            }
            lastLog = now;
            String of = p.planned() > 0 ? String.format(" of %d (%.0f%%)", p.planned(), 100.0 * p.covered() / p.planned()) : "";
            err.printf("progress: %d records%s, %.0f records/s%n", p.read(), of, p.recordsPerSecond());
            err.flush();
        }
    }
}
