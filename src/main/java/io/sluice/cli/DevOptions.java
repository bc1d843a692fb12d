package io.sluice.cli;

import io.sluice.dev.DevSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the local development environment lives and which ports it uses. */
final class DevOptions {
    @Option(names = "--dir", defaultValue = "${env:SLUICE_DEV_DIR:-.sluice}",
            description = "State directory of the local environment (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--port", defaultValue = "${env:SLUICE_KAFKA_PORT:-9092}",
            description = "Kafka client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", description = "KRaft controller port (default: Kafka port + 1).")
    Integer controllerPort;

    @Option(names = "--start-timeout", defaultValue = "90", description = "Seconds to wait for the broker to answer (default: ${DEFAULT-VALUE}).")
    int startTimeoutSeconds;

    DevSettings settings() {
        return new DevSettings(dir, port, controllerPort != null ? controllerPort : port + 1, Duration.ofSeconds(startTimeoutSeconds));
    }
}
