package io.sluice.dev.registry;

import io.sluice.dev.BackgroundProcess;
import io.sluice.dev.DevSettings;
import io.sluice.dev.Installation;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The local schema registry ({@link RegistryMain}) in its own background JVM, with its data, log and pid under
 * {@code <dir>/registry}. {@link #down} stops only the process {@link #up} started, identified by its pid and command
 * line; the data stays until {@link #purge}.
 */
public final class LocalRegistry {
    private static final String MAIN_CLASS = RegistryMain.class.getName();

    private final DevSettings settings;
    private final Installation installation;

    public LocalRegistry(DevSettings settings, Installation installation) {
        this.settings = settings;
        this.installation = installation;
    }

    private Path dir() {
        return settings.registryDir();
    }

    private Path dataDir() {
        return dir().resolve("data");
    }

    private Path stateFile() {
        return dir().resolve("registry.pid");
    }

    private Path logFile() {
        return dir().resolve("registry.log");
    }

    /** The registry started from this directory, if it still runs; a stale pid file is removed. */
    public RegistryStatus status() {
        return running().map(r -> new RegistryStatus(true, Optional.of(r.handle().pid()), r.port(), "http://localhost:" + r.port(),
                        Optional.of(r.startedAt()), dataDir(), logFile()))
                .orElseGet(() -> new RegistryStatus(false, Optional.empty(), settings.registryPort(), settings.registryUrl(),
                        Optional.empty(), dataDir(), logFile()));
    }

    /**
     * Fails at once, naming the port, when {@link #up} could not succeed because of it: the port is taken by something
     * else, or this directory's registry runs on another port. Lets {@code dev up} check before it starts the broker.
     */
    public void checkCanStart() {
        Optional<BackgroundProcess.Running> existing = running();
        if (existing.isPresent()) {
            if (existing.get().port() != settings.registryPort()) {
                throw new SluiceException(Stage.SETUP, "a dev schema registry from " + settings.dir() + " already runs on port "
                        + existing.get().port() + " (pid " + existing.get().handle().pid() + "); stop it with `sluice dev down` first");
            }
            return;
        }
        checkPortFree(settings.registryPort());
    }

    /**
     * Starts the registry and waits until it answers {@code GET /subjects} (within the start timeout), or returns the
     * status of the one already running. On any failure nothing is left running.
     */
    public RegistryStatus up(Consumer<String> log) {
        checkCanStart();
        Optional<BackgroundProcess.Running> existing = running();
        if (existing.isPresent()) {
            log.accept("schema registry: already running on http://localhost:" + existing.get().port() + " (pid "
                    + existing.get().handle().pid() + ")");
            return status();
        }
        try {
            Files.createDirectories(dataDir());
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot create the schema registry's directory " + dataDir() + ": " + e.getMessage(), e);
        }
        String classpath = installation.registryClasspath();
        log.accept("schema registry: starting on " + settings.registryUrl() + " (data in " + dataDir() + ")");
        Process process = launch(classpath);
        process().adopt(process, Instant.now(), settings.registryPort(), java.util.Map.of(), this::awaitReady);
        return status();
    }

    /** Stops the registry {@code up} started; returns false when none was running. */
    public boolean down(Consumer<String> log) {
        return process().stop(log, Duration.ofSeconds(15));
    }

    /** Removes the registry's schemas and log, so the next {@code up} starts empty. Only allowed while it is stopped. */
    public void purge() {
        if (running().isPresent()) {
            throw new SluiceException(Stage.SETUP, "the dev schema registry is running; stop it before purging its data");
        }
        if (!Files.exists(dir())) {
            return;
        }
        try (var paths = Files.walk(dir())) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new SluiceException(Stage.SETUP, "cannot delete " + dir() + ": " + e.getMessage(), e);
        }
    }

    private BackgroundProcess process() {
        return new BackgroundProcess("schema registry", stateFile(), MAIN_CLASS, dataDir().toString());
    }

    private Optional<BackgroundProcess.Running> running() {
        return process().running();
    }

    private static void checkPortFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            // as the JDK's HTTP server binds: connections of a registry just stopped (TIME_WAIT) do not make the port busy,
            // a listener does
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "port " + port + " (for the schema registry) is already in use on localhost;"
                    + " stop what uses it or choose another port (--registry-port)");
        }
    }

    private Process launch(String classpath) {
        List<String> cmd = new ArrayList<>();
        // its own session, so a Ctrl-C in the terminal that ran `up` does not reach the registry later
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(Installation.javaExecutable());
        cmd.addAll(List.of("-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true"));
        cmd.addAll(List.of("-cp", classpath, MAIN_CLASS, "--dir", dataDir().toString(), "--port", Integer.toString(settings.registryPort())));
        try {
            return new ProcessBuilder(cmd).directory(dir().toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot start Java (" + Installation.javaExecutable() + "): " + e.getMessage(), e);
        }
    }

    private void awaitReady(Process process) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(settings.registryUrl() + "/subjects")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new SluiceException(Stage.SETUP, "the local schema registry exited during start-up (exit " + process.exitValue()
                        + "); last lines of " + logFile() + ":\n" + tail(logFile(), 15));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not answering yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceException(Stage.SETUP, "interrupted while waiting for the local schema registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new SluiceException(Stage.SETUP, "the local schema registry did not answer on " + settings.registryUrl()
                        + " within " + settings.startTimeout().toSeconds() + " s; last lines of " + logFile() + ":\n" + tail(logFile(), 15));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceException(Stage.SETUP, "interrupted while waiting for the local schema registry", e);
            }
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
