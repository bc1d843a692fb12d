package io.sluice.cli;

import io.sluice.pipeline.RunListener;
import io.sluice.pipeline.RunProgress;
import io.sluice.pipeline.Words;
import io.sluice.source.ReadPlan;
import java.io.PrintWriter;

/**
 * How a run shows its progress on stderr: a redrawn bar on a terminal, periodic lines otherwise. Each "X of Y (Z%)"
 * counts one quantity, offsets through the plan: the bar shows what was read, the lines what was committed.
 */
final class Progress {
    enum Mode { auto, bar, lines, none }

    private Progress() {}

    /** A progress display; closing it removes anything drawn in place, so the summary and errors start clean. */
    interface Display extends RunListener, AutoCloseable {
        @Override
        default void close() {}
    }

    static Display display(Mode mode, PrintWriter err) {
        Mode m = mode;
        if (m == Mode.auto) {
            boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
            m = terminal ? Mode.bar : Mode.lines;
        }
        return switch (m) {
            case bar -> new Bar(err);
            case lines -> new Lines(err);
            default -> new Quiet(err);
        };
    }

    /** Warnings only. */
    static class Quiet implements Display {
        final PrintWriter err;

        Quiet(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void warning(String message) {
            err.println("warning: " + message);
            err.flush();
        }
    }

    /** Progress lines at most every 2 s for bounded runs, and at every commit of a continuous run. */
    static final class Lines extends Quiet {
        private long lastLog = System.nanoTime() - 2_000_000_000L; // the first commit shows at once

        Lines(PrintWriter err) {
            super(err);
        }

        @Override
        public void planned(ReadPlan plan) {
            err.println("planned " + Words.count(plan.ranges().size(), "partition")
                    + (plan.recordsToRead() > 0 ? ", up to " + Words.count(plan.recordsToRead(), "record") : ""));
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
            err.println(line(p));
            err.flush();
        }
    }

    /** A progress line of a committed snapshot: what is committed of the plan, and the rate. */
    static String line(RunProgress p) {
        String done = p.planned() > 0
                ? String.format("%d of %d committed (%.0f%%)", p.committedSpan(), p.planned(), p.percentOfPlan(p.committedSpan()))
                : p.committedSpan() + " committed";
        return String.format("progress: %s, %.0f records/s", done, p.recordsPerSecond());
    }

    /** A single line redrawn in place: bar, offsets read of planned, what is committed, rate and ETA. */
    static final class Bar extends Quiet {
        private static final int WIDTH = 30;
        private boolean drawn;

        Bar(PrintWriter err) {
            super(err);
        }

        @Override
        public void warning(String message) {
            clear();
            super.warning(message);
        }

        @Override
        public void reading(RunProgress p) {
            draw(p);
        }

        /** Only before anything was read: a committed snapshot is behind the bar, which shows what was read. */
        @Override
        public void committed(RunProgress p) {
            if (!drawn) {
                draw(p);
            }
        }

        @Override
        public void close() {
            clear();
        }

        private void draw(RunProgress p) {
            err.print("\r" + render(p) + "\u001b[K");
            err.flush();
            drawn = true;
        }

        private void clear() {
            if (drawn) {
                err.print("\r\u001b[K");
                err.flush();
                drawn = false;
            }
        }

        /** The bar's text, without control characters. */
        static String render(RunProgress p) {
            double rate = p.recordsPerSecond();
            if (p.planned() <= 0) {
                return String.format("%,d read, %,d committed  %,.0f records/s", p.readSpan(), p.committedSpan(), rate);
            }
            double done = p.percentOfPlan(p.readSpan()) / 100;
            int fill = (int) Math.round(done * WIDTH);
            String bar = "#".repeat(fill) + ".".repeat(WIDTH - fill);
            long remaining = Math.max(0, p.planned() - p.readSpan());
            String eta = rate > 0 ? formatDuration(remaining / rate) : "?";
            return String.format("[%s] %3.0f%%  %,d of %,d read, %,d committed  %,.0f records/s  ETA %s",
                    bar, done * 100, p.readSpan(), p.planned(), p.committedSpan(), rate, eta);
        }

        static String formatDuration(double seconds) {
            long s = Math.round(seconds);
            if (s < 60) {
                return s + "s";
            }
            if (s < 3600) {
                return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
            }
            return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
        }
    }
}
