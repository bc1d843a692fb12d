package io.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Readings of another process from Linux's {@code /proc}: its peak resident memory ({@code VmHWM}) and the CPU time
 * it has used ({@code utime + stime} of {@code /proc/<pid>/stat}, in clock ticks of {@code getconf CLK_TCK}). Both
 * are -1 where there is no {@code /proc} or the process has gone.
 */
final class ProcStat {
    private static final long TICKS_PER_SECOND = clockTicks();

    private final Path status;
    private final Path stat;

    ProcStat(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        this.status = dir.resolve("status");
        this.stat = dir.resolve("stat");
    }

    /** Peak resident memory in bytes so far. */
    long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone between checks, or no /proc
        }
        return -1;
    }

    /** CPU nanoseconds (user + system, all threads) used so far. */
    long cpuNanos() {
        try {
            return cpuTicks(Files.readString(stat, StandardCharsets.US_ASCII)) * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * {@code utime + stime} of a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may
     * hold spaces and parentheses itself, so fields are counted from the last {@code ')'}: state is field 3, utime 14,
     * stime 15.
     */
    static long cpuTicks(String statLine) {
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long ticks = Long.parseLong(out);
                if (ticks > 0) {
                    return ticks;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no getconf: Linux's USER_HZ is 100 on every common architecture
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
