package io.sluice.pipeline;

import java.util.Map;

/**
 * Totals of a run so far.
 *
 * @param planned records the bounded plan covers (an upper bound), 0 for continuous runs
 * @param covered offsets moved past so far (records, skips, markers), comparable with {@code planned}
 */
public record RunProgress(String pipeline, long read, long written, long skipped, long batches,
        Map<String, Long> rowsPerTable, long planned, long covered, long elapsedNanos) {
    public RunProgress {
        rowsPerTable = Map.copyOf(rowsPerTable);
    }

    public RunProgress withElapsed(long nanos) {
        return new RunProgress(pipeline, read, written, skipped, batches, rowsPerTable, planned, covered, nanos);
    }

    public double recordsPerSecond() {
        return elapsedNanos == 0 ? 0 : read * 1e9 / elapsedNanos;
    }

    /** The one-line summary every run ends with. */
    public String summary() {
        StringBuilder tables = new StringBuilder();
        rowsPerTable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> tables.append(tables.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue()));
        return String.format("pipeline %s: read %d, written %d, skipped %d in %d batches (%s) in %.1f s, %.0f records/s",
                pipeline, read, written, skipped, batches, tables.isEmpty() ? "no rows" : tables.toString(),
                elapsedNanos / 1e9, recordsPerSecond());
    }
}
