package io.sluice.bench;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command in its own process and samples, every {@value #SAMPLE_MILLIS} ms while it runs, its peak resident
 * memory (VmHWM) and the CPU time it has used.
 */
final class ChildJvm {
    static final int SAMPLE_MILLIS = 50;

    /**
     * How a child ended: exit code, stdout, stderr, wall time, peak RSS in bytes, and its whole-process CPU time as of
     * the last sample (so short by at most what it used in its last {@value #SAMPLE_MILLIS} ms). -1 when unknown.
     */
    record Outcome(int exitCode, String stdout, String stderr, long wallNanos, long peakRssBytes, long processCpuNanos) {}

    private ChildJvm() {}

    static Outcome run(List<String> command, Path workDir) {
        try {
            Path out = Files.createTempFile(workDir, "child", ".out");
            Path err = Files.createTempFile(workDir, "child", ".err");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            ProcStat proc = new ProcStat(p.pid());
            long peak = -1;
            long cpu = -1;
            while (!p.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, proc.peakRssBytes());
                cpu = Math.max(cpu, proc.cpuNanos());
            }
            long wall = System.nanoTime() - t0;
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), wall, peak, cpu);
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.SETUP, "interrupted", e);
        }
    }
}
