package io.sluice.cli;

import io.sluice.dev.DevSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the local development environment lives and which ports its broker uses. */
final class DevOptions {
    @Option(names = "--dir", defaultValue = "${env:SLUICE_DEV_DIR:-.sluice}",
            description = "State directory of the local environment (default: $SLUICE_DEV_DIR when set, else .sluice).")
    Path dir;

    @Option(names = "--port", defaultValue = "${env:SLUICE_KAFKA_PORT:-9092}",
            description = "Kafka client port (default: $SLUICE_KAFKA_PORT when set, else 9092).")
    int port;

    @Option(names = "--controller-port", description = "KRaft controller port (default: Kafka port + 1).")
    Integer controllerPort;

    @Option(names = "--start-timeout", defaultValue = "90",
            description = "Seconds to wait for the broker (and the schema registry) to answer (default: ${DEFAULT-VALUE}).")
    int startTimeoutSeconds;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    DevSettings settings() {
        int controller = controllerPort != null ? controllerPort : port + 1;
        // port 0 would let the broker pick a random port that nobody knows; 65536 fails deep inside the JDK
        if (!validPort(port) || !validPort(controller) || controller == port) {
            throw new ParameterException(command.commandLine(), "--port and --controller-port must be two different ports in"
                    + " 1..65535 (got " + port + " and " + controller + (controllerPort == null ? ", which is --port + 1" : "") + ")");
        }
        if (startTimeoutSeconds < 1) {
            throw new ParameterException(command.commandLine(), "--start-timeout must be >= 1 (got " + startTimeoutSeconds + ")");
        }
        return new DevSettings(dir, port, controller, Duration.ofSeconds(startTimeoutSeconds));
    }

    /**
     * The settings with the schema registry's port from {@code registry}, which must differ from the Kafka ports (the
     * {@code dev} commands; quickstart and bench only use the broker).
     */
    DevSettings settings(RegistryPort registry) {
        DevSettings s = settings();
        int p = registry.port;
        if (!validPort(p) || p == s.kafkaPort() || p == s.controllerPort()) {
            throw new ParameterException(command.commandLine(), "--registry-port must be a port in 1..65535 other than the Kafka ports"
                    + " (got " + p + "; Kafka uses " + s.kafkaPort() + " and " + s.controllerPort() + ")");
        }
        return s.withRegistryPort(p);
    }

    /** The local schema registry's port, a mixin of the {@code dev} commands. */
    static final class RegistryPort {
        @Option(names = "--registry-port", defaultValue = "${env:SLUICE_REGISTRY_PORT:-8081}",
                description = "HTTP port of the local schema registry (default: $SLUICE_REGISTRY_PORT when set, else 8081).")
        int port;
    }

    /** The command that stops this environment's broker: a non-default --dir has to be repeated, or it stops nothing. */
    String downCommand() {
        return "sluice dev down" + (dir.equals(Path.of(".sluice")) ? "" : " --dir " + dir);
    }

    private static boolean validPort(int p) {
        return p >= 1 && p <= 65535;
    }
}
