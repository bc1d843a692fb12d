package io.sluice.manifest;

import java.time.Duration;
import java.util.Optional;

/**
 * How to reach the Kafka cluster. {@code timeout} bounds every metadata call, so an unreachable broker
 * fails the run within that time.
 */
public record KafkaConnection(
        String bootstrapServers,
        Optional<String> securityProtocol,
        Optional<String> saslMechanism,
        Optional<String> saslUsername,
        Optional<Secret> saslPassword,
        Optional<String> sslCaLocation,
        String clientId,
        ClientProperties properties,
        Duration timeout) {}
