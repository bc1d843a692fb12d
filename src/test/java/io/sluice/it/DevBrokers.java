package io.sluice.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The dev brokers that tests start with {@code sluice dev up} or {@code sluice quickstart}, and their clean-up. */
final class DevBrokers {
    private DevBrokers() {}

    /** The pid {@code dev up} recorded in {@code <dir>/kafka/broker.pid}, if the file exists. */
    static Optional<Long> recordedPid(Path dir) {
        Path file = dir.resolve("kafka").resolve("broker.pid");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            return Optional.of(Long.parseLong(p.getProperty("pid")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Broker JVMs running the config of {@code dir}, found by that (unique, temporary) path in their command line. */
    static Stream<ProcessHandle> processesOf(Path dir) {
        String config = dir.toAbsolutePath().normalize().resolve("kafka").resolve("server.properties").toString();
        // the whole command line: ProcessHandle.Info cuts it at 4 KiB, shorter than a broker's classpath in a long path
        return ProcessHandle.allProcesses().filter(h -> wholeCommandLine(h).map(c -> c.contains(config)).orElse(false));
    }

    /** The whole command line: ProcessHandle.Info cuts it at 4 KiB, shorter than a broker's classpath in a long path. */
    static Optional<String> wholeCommandLine(ProcessHandle h) {
        return io.sluice.dev.BackgroundProcess.commandLineOf(h).map(args -> String.join(" ", args)).or(() -> h.info().commandLine());
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Stops whatever broker was started from {@code dir}: {@code sluice dev down} first, then, should a test have
     * failed half-way, by killing each remaining broker JVM of that directory by its pid (a pid alone could have been
     * reused, so only processes running this directory's config count). Never throws, so it suits a finally block.
     */
    static void stop(Path dir) {
        try {
            if (recordedPid(dir).isPresent()) {
                Sluice.run(dir.getParent(), Map.of(), "dev", "down", "--dir", dir.toString());
            }
        } catch (RuntimeException | AssertionError e) {
            // killed below
        }
        processesOf(dir).forEach(h -> {
            h.destroyForcibly();
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more we can do
            }
        });
    }

    /** Registry JVMs serving the data of {@code dir}, found by that (unique, temporary) path in their command line. */
    static Stream<ProcessHandle> registryProcessesOf(Path dir) {
        String data = dir.toAbsolutePath().normalize().resolve("registry").resolve("data").toString();
        return ProcessHandle.allProcesses().filter(h -> wholeCommandLine(h)
                .map(c -> c.contains("io.sluice.dev.registry.RegistryMain") && c.contains(data)).orElse(false));
    }

    /** Should a test have failed half-way: kills the registry JVMs of {@code dir} (by pid, only those serving its data). */
    static void killRegistries(Path dir) {
        registryProcessesOf(dir).forEach(h -> {
            h.destroyForcibly();
            try {
                h.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more we can do
            }
        });
    }
}
