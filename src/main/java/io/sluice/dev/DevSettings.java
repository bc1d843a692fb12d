package io.sluice.dev;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the local development environment.
 *
 * @param dir            the state directory ({@code .sluice} by default): broker data, logs and pid file
 * @param kafkaPort      the broker's client port (9092 by default)
 * @param controllerPort the KRaft controller port (9093 by default)
 * @param startTimeout   how long {@code up} waits for the broker to answer
 */
public record DevSettings(Path dir, int kafkaPort, int controllerPort, Duration startTimeout) {
    public static final int DEFAULT_KAFKA_PORT = 9092;

    public DevSettings {
        dir = dir.toAbsolutePath().normalize();
    }

    public String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    Path kafkaDir() {
        return dir.resolve("kafka");
    }
}
