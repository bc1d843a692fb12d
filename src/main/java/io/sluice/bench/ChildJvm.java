package io.sluice.bench;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command in its own process and samples its peak resident memory (VmHWM) while it runs. */
final class ChildJvm {
    /** How a child ended: exit code, stdout, stderr, wall time and peak RSS in bytes (0 when unknown). */
    record Outcome(int exitCode, String stdout, String stderr, long wallNanos, long peakRssBytes) {}

    private ChildJvm() {}

    static Outcome run(List<String> command, Path workDir) {
        try {
            Path out = Files.createTempFile(workDir, "child", ".out");
            Path err = Files.createTempFile(workDir, "child", ".err");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long peak = 0;
            Path status = Path.of("/proc", Long.toString(p.pid()), "status");
            while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, peakRss(status));
            }
            long wall = System.nanoTime() - t0;
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), wall, peak);
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.SETUP, "interrupted", e);
        }
    }

    private static long peakRss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between checks, or no /proc: keep the last value
        }
        return 0;
    }
}
