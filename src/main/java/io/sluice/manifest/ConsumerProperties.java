package io.sluice.manifest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Checks {@code source.connection.properties}, the Kafka consumer properties passed through as they are. Sluice owns
 * the properties that exactly-once and its own positioning rest on, and those a first-class manifest key sets: each
 * of these is refused, saying why and what to use. A name Kafka does not know gets a warning (Kafka would ignore it).
 */
final class ConsumerProperties {
    private ConsumerProperties() {}

    /** The first-class connection settings a property could contradict. */
    record Settings(boolean saslMechanism, boolean sslCa) {}

    private static final Set<String> SLUICE_MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private static final Map<String, String> OWNED = owned();

    private static Map<String, String> owned() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("isolation.level", "Sluice always reads committed records only (read_committed), so records of aborted"
                + " transactions never land");
        m.put("enable.auto.commit", "Sluice stores offsets in the sink, in the same transaction as the rows; Kafka's auto"
                + " commit would mark records as consumed before they are written. To mirror the stored offsets to the"
                + " consumer group, use source.options.commit_offsets_to_kafka with source.options.group_id");
        m.put("auto.offset.reset", "Sluice positions every partition itself; use source.options.start_from and"
                + " source.options.initial_position");
        m.put("key.deserializer", "Sluice reads raw bytes and decodes them itself; use source.options.key_format");
        m.put("value.deserializer", "Sluice reads raw bytes and decodes them itself; use source.options.message_format");
        m.put("group.id", "use source.options.group_id (the group that commit_offsets_to_kafka commits to)");
        m.put("bootstrap.servers", "use source.connection.bootstrap_servers");
        m.put("client.id", "use source.connection.client_id");
        m.put("security.protocol", "use source.connection.security_protocol");
        m.put("default.api.timeout.ms", "set by source.connection.timeout_ms, which bounds every metadata call so an"
                + " unreachable broker fails the run in time");
        m.put("request.timeout.ms", "set by source.connection.timeout_ms, which bounds every metadata call so an"
                + " unreachable broker fails the run in time");
        return m;
    }

    /** Reads the flat {@code properties} mapping, reporting each refused key on it; returns the accepted ones. */
    static Map<String, String> read(ConfigNode node, Settings settings) {
        Map<String, String> out = new LinkedHashMap<>();
        node.scalars().forEach((key, value) -> {
            Optional<String> why = refusal(key, value, settings);
            if (why.isPresent()) {
                node.error(key, "cannot be set in properties: " + why.get());
                return;
            }
            if (!ConsumerConfig.configNames().contains(key)) {
                node.warn(key, "is not a Kafka consumer property, so Kafka ignores it"
                        + Suggestions.didYouMean(key, ConsumerConfig.configNames()));
            }
            out.put(key, value);
        });
        return out;
    }

    static Optional<String> refusal(String key, String value, Settings settings) {
        String owned = OWNED.get(key);
        if (owned != null) {
            return Optional.of(owned);
        }
        String v = value.strip().toUpperCase(Locale.ROOT);
        return Optional.ofNullable(switch (key) {
            case "sasl.mechanism" -> settings.saslMechanism() ? "source.connection.sasl_mechanism sets it"
                    : SLUICE_MECHANISMS.contains(v) ? "use source.connection.sasl_mechanism with sasl_username and"
                    + " sasl_password (masked wherever Sluice prints the configuration)" : null;
            case "sasl.jaas.config" -> settings.saslMechanism()
                    ? "Sluice builds it from source.connection.sasl_username and sasl_password" : null;
            case "ssl.truststore.location", "ssl.truststore.type", "ssl.truststore.certificates" -> settings.sslCa()
                    ? "source.connection.ssl_ca_location sets the truststore" : null;
            case "check.crcs" -> v.equals("FALSE") ? "Sluice checks every record's CRC so that corrupt records fail"
                    + " instead of landing" : null;
            default -> null;
        });
    }
}
