package io.sluice.dev;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code sluice dev status} reports about the local broker.
 *
 * @param running   whether the broker that {@code up} started is alive
 * @param pid       its process id, when running
 * @param bootstrap the address clients use
 * @param startedAt when {@code up} started it, when running
 * @param dataDir   where its data lives
 * @param logFile   where its output goes
 */
public record BrokerStatus(boolean running, Optional<Long> pid, String bootstrap, Optional<Instant> startedAt,
        Path dataDir, Path logFile) {

    /** The pid for messages, "?" when unknown. */
    public String pidText() {
        return pid.map(String::valueOf).orElse("?");
    }

    public String describe() {
        if (!running) {
            return "kafka: not running (data in " + dataDir + ")";
        }
        return "kafka: running on " + bootstrap + " (pid " + pidText() + ", started " + startedAt.map(Instant::toString).orElse("?")
                + ", data in " + dataDir + ", log " + logFile + ")";
    }
}
