package io.sluice.pipeline;

import java.util.Map;

/**
 * Totals of a run so far. Two counters measure how far through its plan a run is, in the plan's unit (offsets,
 * which are records, transaction markers and compaction gaps): {@code readSpan} counts those read, including the
 * batch in hand, {@code committedSpan} those the sink has committed. Percentages are always of one of them against
 * {@code planned}, never a record count against an offset count.
 *
 * @param read             records read into committed batches; a {@link RunListener#reading} snapshot adds the
 *                         batch in hand
 * @param planned          offsets the bounded plan covers (an upper bound on records), 0 for continuous runs
 * @param readSpan         offsets read past so far (records, skips, markers), comparable with {@code planned}
 * @param committedSpan    offsets the sink has committed, comparable with {@code planned}
 * @param stoppedBeforeEnd a bounded run that a stop request ended before the end of its plan; what it committed
 *                         stays committed and the next run goes on from there
 * @param processCpuNanos  CPU time of the whole process (all threads, GC and JIT included) over the same window as
 *                         {@code elapsedNanos}; -1 when not measured
 */
public record RunProgress(String pipeline, long read, long written, long skipped, long batches,
        Map<String, Long> rowsPerTable, long planned, long readSpan, long committedSpan, long elapsedNanos,
        boolean stoppedBeforeEnd, long processCpuNanos) {
    public RunProgress {
        rowsPerTable = Map.copyOf(rowsPerTable);
    }

    /** Progress whose CPU time is not measured (yet). */
    public RunProgress(String pipeline, long read, long written, long skipped, long batches, Map<String, Long> rowsPerTable,
            long planned, long readSpan, long committedSpan, long elapsedNanos, boolean stoppedBeforeEnd) {
        this(pipeline, read, written, skipped, batches, rowsPerTable, planned, readSpan, committedSpan, elapsedNanos,
                stoppedBeforeEnd, -1);
    }

    /** The same totals over a window of {@code nanos}, in which the process used {@code cpuNanos} of CPU. */
    public RunProgress withElapsed(long nanos, long cpuNanos) {
        return new RunProgress(pipeline, read, written, skipped, batches, rowsPerTable, planned, readSpan, committedSpan,
                nanos, stoppedBeforeEnd, cpuNanos);
    }

    public double recordsPerSecond() {
        return elapsedNanos == 0 ? 0 : read * 1e9 / elapsedNanos;
    }

    /** {@code span} as a percentage of the plan, at most 100. */
    public double percentOfPlan(long span) {
        return planned <= 0 ? 0 : Math.min(100.0, 100.0 * span / planned);
    }

    /** The one-line summary every run ends with. */
    public String summary() {
        StringBuilder tables = new StringBuilder();
        rowsPerTable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> tables.append(tables.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue()));
        String totals = String.format("read %d, written %d, skipped %d in %s (%s) in %.1f s, %.0f records/s",
                read, written, skipped, Words.count(batches, "batch"), tables.isEmpty() ? "no rows" : tables.toString(),
                elapsedNanos / 1e9, recordsPerSecond());
        if (!stoppedBeforeEnd) {
            return "pipeline " + pipeline + ": " + totals;
        }
        return String.format("pipeline %s: stopped before the end of its slice: %s; committed %d of %d (%.0f%%), the next run"
                + " goes on from there", pipeline, totals, committedSpan, planned, percentOfPlan(committedSpan));
    }
}
