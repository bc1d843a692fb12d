package io.sluice.dev;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the local development environment.
 *
 * @param dir            the state directory ({@code .sluice} by default): broker data, logs and pid file
 * @param kafkaPort      the broker's client port (9092 by default)
 * @param controllerPort the KRaft controller port (9093 by default)
 * @param startTimeout   how long {@code up} waits for the broker (and the schema registry) to answer
 * @param registryPort   the local schema registry's HTTP port (8081 by default)
 */
public record DevSettings(Path dir, int kafkaPort, int controllerPort, Duration startTimeout, int registryPort) {
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_REGISTRY_PORT = 8081;

    public DevSettings {
        dir = dir.toAbsolutePath().normalize();
    }

    /** Settings for commands that only need the broker: the registry port is the default. */
    public DevSettings(Path dir, int kafkaPort, int controllerPort, Duration startTimeout) {
        this(dir, kafkaPort, controllerPort, startTimeout, DEFAULT_REGISTRY_PORT);
    }

    public DevSettings withRegistryPort(int port) {
        return new DevSettings(dir, kafkaPort, controllerPort, startTimeout, port);
    }

    public String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    /** The base URL of the local schema registry. */
    public String registryUrl() {
        return "http://localhost:" + registryPort;
    }

    /** Where the local schema registry keeps its data, log and pid file. */
    public Path registryDir() {
        return dir.resolve("registry");
    }

    Path kafkaDir() {
        return dir.resolve("kafka");
    }
}
