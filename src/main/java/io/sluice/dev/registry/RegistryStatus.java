package io.sluice.dev.registry;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code sluice dev status} reports about the local schema registry.
 *
 * @param running   whether the registry that {@code up} started is alive
 * @param pid       its process id, when running
 * @param port      the port it listens on (when not running: the configured one)
 * @param url       the base URL clients use
 * @param startedAt when {@code up} started it, when running
 * @param dataDir   where its schemas live
 * @param logFile   where its output goes
 */
public record RegistryStatus(boolean running, Optional<Long> pid, int port, String url, Optional<Instant> startedAt,
        Path dataDir, Path logFile) {

    public String describe() {
        if (!running) {
            return "schema registry: not running (data in " + dataDir + ")";
        }
        return "schema registry: running on " + url + " (pid " + pid.map(String::valueOf).orElse("?") + ", started "
                + startedAt.map(Instant::toString).orElse("?") + ", data in " + dataDir + ", log " + logFile + ")";
    }
}
