package io.sluice.dev;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JVM that {@code sluice dev up} started in the background and {@code dev down} stops, remembered in a pid file.
 * A pid can be reused by the system, so a process only counts as ours when its command line has our main class and
 * an argument unique to this directory (a config file or data directory). The command line is read whole from
 * {@code /proc/PID/cmdline} where there is one: the JDK's {@link ProcessHandle.Info} cuts it at 4 KiB on Linux and then
 * gives no arguments at all, and a broker's classpath in a checkout with a long path is longer than that.
 */
public final class BackgroundProcess {
    /** A process of ours that runs, and what its pid file says about it. */
    public record Running(ProcessHandle handle, int port, Instant startedAt) {}

    private final String name;
    private final Path stateFile;
    private final String mainClass;
    private final String identifyingArgument;

    /**
     * @param name                how messages name it: "kafka", "schema registry"
     * @param stateFile           the pid file
     * @param identifyingArgument an argument only this directory's process has
     */
    public BackgroundProcess(String name, Path stateFile, String mainClass, String identifyingArgument) {
        this.name = name;
        this.stateFile = stateFile;
        this.mainClass = mainClass;
        this.identifyingArgument = identifyingArgument;
    }

    /** The process the pid file names, if it still runs and is ours; a stale pid file is removed. */
    public Optional<Running> running() {
        if (!Files.exists(stateFile)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(stateFile)) {
            p.load(in);
            long pid = Long.parseLong(p.getProperty("pid"));
            int port = Integer.parseInt(p.getProperty("port"));
            Instant startedAt = Instant.parse(p.getProperty("started_at"));
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(x -> isOurs(x) || hiddenButStartedThen(x, startedAt));
            if (h.isPresent()) {
                return Optional.of(new Running(h.get(), port, startedAt));
            }
        } catch (IOException | RuntimeException e) {
            // unreadable or stale state: treated as not running
        }
        forget();
        return Optional.empty();
    }

    /**
     * Where the system hides other processes' command lines, a live pid whose process started when the pid file
     * says counts as ours: deleting the pid file of a process that still runs would orphan it.
     */
    private static boolean hiddenButStartedThen(ProcessHandle h, Instant startedAt) {
        if (h.info().commandLine().isPresent() || h.info().arguments().isPresent() || commandLineOf(h).isPresent()) {
            return false;
        }
        return h.info().startInstant().map(t -> Duration.between(startedAt, t).abs().compareTo(Duration.ofMinutes(1)) < 0)
                .orElse(false);
    }

    /** Whether {@code h} runs our main class for this directory. */
    public boolean isOurs(ProcessHandle h) {
        Optional<List<String>> whole = commandLineOf(h);
        if (whole.isPresent()) {
            return whole.get().contains(mainClass) && whole.get().contains(identifyingArgument);
        }
        Optional<String[]> args = h.info().arguments();
        if (args.isEmpty()) {
            return h.info().commandLine().map(c -> c.contains(mainClass) && c.contains(identifyingArgument)).orElse(false);
        }
        List<String> a = List.of(args.get());
        return a.contains(mainClass) && a.contains(identifyingArgument);
    }

    /**
     * The whole command line of {@code h}, program first, from {@code /proc/PID/cmdline}; empty where the system has
     * no such file or does not let us read it (then only {@link ProcessHandle.Info} is left, which may be cut short).
     */
    public static Optional<List<String>> commandLineOf(ProcessHandle h) {
        Path file = Path.of("/proc", Long.toString(h.pid()), "cmdline");
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                return Optional.empty(); // a zombie, or a kernel thread
            }
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (text.endsWith("\0")) {
                text = text.substring(0, text.length() - 1);
            }
            return Optional.of(List.of(text.split("\0", -1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The JVM itself: {@code started} may be a launcher (setsid) whose child is the JVM. */
    public ProcessHandle identify(ProcessHandle started) {
        if (isOurs(started)) {
            return started;
        }
        return started.descendants().filter(this::isOurs).findFirst().orElse(started);
    }

    /**
     * Waits until a process just launched is ready ({@code awaitReady} returns), then records it. If it fails or
     * dies first, it is killed with everything it started, so nothing is left running, and the failure is rethrown.
     */
    public void adopt(Process launched, Instant startedAt, int port, Map<String, String> extra, Consumer<Process> awaitReady) {
        try {
            awaitReady.accept(launched);
        } catch (RuntimeException e) {
            launched.descendants().forEach(ProcessHandle::destroyForcibly);
            launched.destroyForcibly();
            try {
                launched.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        record(identify(launched.toHandle()).pid(), port, extra, startedAt);
    }

    /** Writes the pid file: pid, port, start time and {@code extra} properties. */
    public void record(long pid, int port, Map<String, String> extra, Instant startedAt) {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("port", Integer.toString(port));
        extra.forEach(p::setProperty);
        p.setProperty("started_at", startedAt.toString());
        try (OutputStream out = Files.newOutputStream(stateFile)) {
            p.store(out, "written by sluice dev up; sluice dev down stops this pid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the pid file. */
    public void forget() {
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Stops our running process: SIGTERM, then a kill after {@code grace}. Returns false when none was running.
     *
     * @throws SluiceException when it is still alive afterwards
     */
    public boolean stop(Consumer<String> log, Duration grace) {
        Optional<Running> r = running();
        if (r.isEmpty()) {
            return false;
        }
        ProcessHandle h = r.get().handle();
        log.accept(name + ": stopping pid " + h.pid());
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.accept(name + ": no clean shutdown within " + grace.toSeconds() + " s, killing pid " + h.pid());
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported below if still alive
            }
        }
        if (h.isAlive()) {
            throw new SluiceException(Stage.SETUP, "the dev " + name + " (pid " + h.pid() + ") did not stop");
        }
        forget();
        return true;
    }
}
