package io.sluice.dev;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker in its own background JVM, with its data, log and pid under
 * {@code <dir>/kafka}. {@link #down()} stops only the process {@link #up} started, identified by its pid and
 * command line.
 */
public final class LocalBroker {
    private static final String MAIN_CLASS = "kafka.Kafka";

    private final DevSettings settings;
    private final Installation installation;

    public LocalBroker(DevSettings settings, Installation installation) {
        this.settings = settings;
        this.installation = installation;
    }

    private Path stateFile() {
        return settings.kafkaDir().resolve("broker.pid");
    }

    private Path configFile() {
        return settings.kafkaDir().resolve("server.properties");
    }

    private Path dataDir() {
        return settings.kafkaDir().resolve("data");
    }

    private Path logFile() {
        return settings.kafkaDir().resolve("broker.log");
    }

    /** The broker started from this directory, if it still runs; a stale pid file is removed. */
    public BrokerStatus status() {
        Optional<BackgroundProcess.Running> r = running();
        return r.map(x -> new BrokerStatus(true, Optional.of(x.handle().pid()), "localhost:" + x.port(),
                        Optional.of(x.startedAt()), dataDir(), logFile()))
                .orElseGet(() -> new BrokerStatus(false, Optional.empty(), settings.bootstrapServers(), Optional.empty(),
                        dataDir(), logFile()));
    }

    /**
     * Starts the broker and waits until it answers, or returns the status of the one already running.
     * On any failure nothing is left running.
     */
    public BrokerStatus up(Consumer<String> log) {
        Optional<BackgroundProcess.Running> existing = running();
        if (existing.isPresent()) {
            if (existing.get().port() != settings.kafkaPort()) {
                throw new SluiceException(Stage.SETUP, "a dev broker from " + settings.dir() + " already runs on port "
                        + existing.get().port() + " (pid " + existing.get().handle().pid() + "); stop it with `sluice dev down` first");
            }
            log.accept("kafka: already running on localhost:" + existing.get().port() + " (pid " + existing.get().handle().pid() + ")");
            return status();
        }
        checkPortFree(settings.kafkaPort(), "Kafka");
        checkPortFree(settings.controllerPort(), "the KRaft controller");
        try {
            Files.createDirectories(dataDir());
            Files.writeString(configFile(), serverProperties(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot write the broker's files under " + settings.kafkaDir() + ": " + e.getMessage(), e);
        }
        String classpath = installation.brokerClasspath();
        if (!Files.exists(dataDir().resolve("meta.properties"))) {
            format(classpath);
        }
        log.accept("kafka: starting a local broker on localhost:" + settings.kafkaPort() + " (data in " + dataDir() + ")");
        Process process = launch(classpath);
        process().adopt(process, Instant.now(), settings.kafkaPort(), java.util.Map.of("controller_port", Integer.toString(settings.controllerPort())), this::awaitReady);
        BrokerStatus started = status();
        if (!started.running()) {
            // answering, yet not recognised by its pid and command line: never leave a broker that `down` cannot stop
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new SluiceException(Stage.SETUP, "the local broker started (pid " + process.pid() + ") but could not be"
                    + " recognised as this directory's broker by its command line, so it was stopped again; see " + logFile());
        }
        return started;
    }

    /** The Kafka a command uses and how it came to be; {@code startedHere} when this call started it. */
    public record Available(String bootstrap, String description, boolean startedHere) {}

    /**
     * Finds a Kafka to use: this directory's dev broker (wherever it listens), else any Kafka that answers on
     * the configured port, else a newly started dev broker.
     */
    public Available ensure(Consumer<String> log) {
        BrokerStatus s = status();
        if (s.running()) {
            return new Available(s.bootstrap(), "reusing the dev broker on " + s.bootstrap() + " (pid " + s.pidText() + ")", false);
        }
        if (KafkaProbe.listening(settings.kafkaPort()) && KafkaProbe.answers(settings.bootstrapServers(), Duration.ofSeconds(5))) {
            return new Available(settings.bootstrapServers(), "reusing the Kafka broker already running on " + settings.bootstrapServers(), false);
        }
        s = up(log);
        return new Available(s.bootstrap(), "started a local broker on " + s.bootstrap() + " (pid " + s.pidText()
                + ", data in " + s.dataDir() + ")", true);
    }

    /** Stops the broker {@code up} started; returns false when none was running. */
    public boolean down(Consumer<String> log) {
        return process().stop(log, Duration.ofSeconds(30));
    }

    /** Removes the broker's data, so the next {@code up} starts empty. Only allowed while it is stopped. */
    public void purge() {
        if (running().isPresent()) {
            throw new SluiceException(Stage.SETUP, "the dev broker is running; stop it before purging its data");
        }
        deleteRecursively(settings.kafkaDir());
    }

    private BackgroundProcess process() {
        return new BackgroundProcess("kafka", stateFile(), MAIN_CLASS, configFile().toString());
    }

    private Optional<BackgroundProcess.Running> running() {
        return process().running();
    }

    private static void checkPortFree(int port, String what) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "port " + port + " (for " + what + ") is already in use on localhost;"
                    + " stop what uses it or choose another port (--port / --controller-port)");
        }
    }

    private String serverProperties() {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        c.put("controller.quorum.voters", "1@127.0.0.1:" + settings.controllerPort());
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + settings.kafkaPort() + ",CONTROLLER://127.0.0.1:" + settings.controllerPort());
        c.put("advertised.listeners", "PLAINTEXT://localhost:" + settings.kafkaPort());
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("log.dirs", dataDir().toString());
        c.put("num.partitions", "4");
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "4");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("log.retention.hours", "168");
        c.put("log.segment.bytes", Integer.toString(256 << 20));
        StringBuilder out = new StringBuilder("# written by sluice dev up; rewritten on every start\n");
        c.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    private List<String> javaCommand(String classpath, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Installation.javaExecutable());
        cmd.add("-Xms128m");
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        return cmd;
    }

    private void format(String classpath) {
        List<String> cmd = javaCommand(classpath, "kafka.tools.StorageTool");
        cmd.addAll(List.of("format", "-t", Uuid.randomUuid().toString(), "-c", configFile().toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SluiceException(Stage.SETUP, "formatting the broker's storage did not finish within 120 s; see " + logFile());
            }
            if (p.exitValue() != 0) {
                throw new SluiceException(Stage.SETUP, "formatting the broker's storage failed (exit " + p.exitValue() + "):\n"
                        + tail(logFile(), 15));
            }
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot start Java (" + Installation.javaExecutable() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.SETUP, "interrupted while formatting the broker's storage", e);
        }
    }

    private Process launch(String classpath) {
        List<String> cmd = new ArrayList<>();
        // its own session, so a Ctrl-C in the terminal that ran `up` does not reach the broker later
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(javaCommand(classpath, MAIN_CLASS));
        cmd.add(configFile().toString());
        try {
            return new ProcessBuilder(cmd).directory(settings.kafkaDir().toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
        } catch (IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot start Java (" + Installation.javaExecutable() + "): " + e.getMessage(), e);
        }
    }

    private void awaitReady(Process process) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new SluiceException(Stage.SETUP, "the local broker exited during start-up (exit " + process.exitValue()
                            + "); last lines of " + logFile() + ":\n" + tail(logFile(), 15));
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not answering yet
                }
                if (System.nanoTime() > deadline) {
                    throw new SluiceException(Stage.SETUP, "the local broker did not answer on " + settings.bootstrapServers()
                            + " within " + settings.startTimeout().toSeconds() + " s; last lines of " + logFile() + ":\n" + tail(logFile(), 15));
                }
                sleep(Duration.ofMillis(200));
            }
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.SETUP, "interrupted while waiting for the local broker", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new SluiceException(Stage.SETUP, "cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
