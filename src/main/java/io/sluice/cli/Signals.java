package io.sluice.cli;

import io.sluice.pipeline.RunListener;
import io.sluice.pipeline.RunProgress;
import io.sluice.pipeline.StopSignal;
import io.sluice.pipeline.Words;
import io.sluice.source.ReadPlan;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM during a run. The first asks the run to stop after the batch in hand is committed; a second one
 * ends the process at once and says what was not committed. Remembers the first signal, so that a bounded run it cut
 * short can exit with 128 + its number (130 for INT, 143 for TERM), as a shell reports a process a signal ended.
 */
final class Signals {
    final StopSignal stop = new StopSignal();
    private final AtomicReference<String> received = new AtomicReference<>();
    private volatile int number;
    private volatile RunProgress lastRead;
    private volatile RunProgress lastCommitted;

    private Signals() {}

    /** Handles INT and TERM from now on. */
    static Signals install() {
        Signals s = new Signals();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), sig -> s.received(name, sig.getNumber(), System.err));
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the default handling stays
            }
        }
        return s;
    }

    /** A run that no signal reaches (tests). */
    static Signals none() {
        return new Signals();
    }

    void received(String name, int signalNumber, PrintStream err) {
        if (!received.compareAndSet(null, name)) {
            err.println("sluice: SIG" + name + " again: aborting now. " + aborted());
            err.flush();
            Runtime.getRuntime().halt(128 + signalNumber);
        }
        number = signalNumber;
        err.println("sluice: SIG" + name + ": stopping after the current batch is committed (SIG" + name + " again to abort)");
        err.flush();
        stop.stop();
    }

    /** What an abort now leaves uncommitted, from the latest progress of the pipeline that runs. */
    String aborted() {
        RunProgress read = lastRead;
        RunProgress committed = lastCommitted;
        if (read == null && committed == null) {
            return "Nothing was read yet.";
        }
        String pipeline = read != null ? read.pipeline() : committed.pipeline();
        long readRecords = read != null ? read.read() : 0;
        long committedRecords = committed != null && committed.pipeline().equals(pipeline) ? committed.read() : 0;
        long open = Math.max(0, readRecords - committedRecords);
        return "Pipeline " + pipeline + ": " + (open == 0 ? "no records read since the last commit"
                : "about " + Words.count(open, "record") + " read since the last commit are not committed, and the next run"
                        + " reads them again") + "; the " + Words.count(committedRecords, "record") + " committed before stay.";
    }

    /** The signal that asked the run to stop, if any. */
    OptionalInt signal() {
        String name = received.get();
        return name == null ? OptionalInt.empty() : OptionalInt.of(number);
    }

    String signalName() {
        String name = received.get();
        return name == null ? "" : "SIG" + name;
    }

    /** {@code display}, and this remembering each snapshot for {@link #aborted}. */
    RunListener watching(RunListener display) {
        return new RunListener() {
            @Override
            public void planned(ReadPlan plan) {
                display.planned(plan);
            }

            @Override
            public void warning(String message) {
                display.warning(message);
            }

            @Override
            public void reading(RunProgress inFlight) {
                lastRead = inFlight;
                display.reading(inFlight);
            }

            @Override
            public void committed(RunProgress progress) {
                lastCommitted = progress;
                if (lastRead == null || !lastRead.pipeline().equals(progress.pipeline()) || lastRead.read() < progress.read()) {
                    lastRead = progress;
                }
                display.committed(progress);
            }
        };
    }
}
