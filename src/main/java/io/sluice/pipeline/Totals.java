package io.sluice.pipeline;

import java.util.Map;
import java.util.TreeMap;

/** A run's mutable running totals over durable batches, reported as immutable {@link RunProgress}. */
final class Totals {
    long read;
    long written;
    long skipped;
    long batches;
    long committedSpan;
    final Map<String, Long> perTable = new TreeMap<>();

    void add(BatchBuilder.Counts b) {
        read += b.records();
        skipped += b.skipped();
        written += b.records() - b.skipped();
        batches++;
        b.perTable().forEach((t, n) -> perTable.merge(t, n, Long::sum));
    }

    RunProgress inFlight(String name, BatchBuilder b, long planned, long covered, long started) {
        return new RunProgress(name, read + b.records(), written, skipped, batches, perTable, planned, covered,
                committedSpan, System.nanoTime() - started, false);
    }

    RunProgress progress(String name, long planned, long covered, long started, boolean stoppedBeforeEnd) {
        return new RunProgress(name, read, written, skipped, batches, perTable, planned, covered, committedSpan,
                System.nanoTime() - started, stoppedBeforeEnd);
    }
}
