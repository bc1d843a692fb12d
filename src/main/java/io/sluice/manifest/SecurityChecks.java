package io.sluice.manifest;

import java.util.List;
import java.util.Map;

/**
 * Connection settings that contradict the security protocol: credentials or a CA that the protocol never uses
 * (a warning: the manifest runs, but not as its author meant), and a SASL protocol with no way to log in (an error:
 * Kafka would fall back to Kerberos and fail at connect with a message about JAAS).
 */
final class SecurityChecks {
    private SecurityChecks() {}

    /** Where a finding goes: {@code key} is the setting's name in the manifest (or environment). */
    interface Report {
        void add(String key, String message, boolean error);
    }

    /**
     * @param protocol the security protocol in effect (PLAINTEXT when none is set)
     * @param present  which of sasl_mechanism, sasl_username, sasl_password, ssl_ca_location are set, by their names
     *                 as the user wrote them (manifest keys or environment variables), in that order
     * @param properties the pass-through consumer properties
     */
    static void check(String protocol, Map<String, String> present, Map<String, String> properties, Report report) {
        boolean sasl = protocol.startsWith("SASL_");
        boolean ssl = protocol.endsWith("SSL");
        String shownProtocol = protocol + (present.containsKey("security_protocol") ? "" : " (the default)");
        if (!sasl) {
            for (String k : List.of("sasl_password", "sasl_username", "sasl_mechanism")) {
                if (present.containsKey(k)) {
                    report.add(present.get(k), "is not used: security_protocol is " + shownProtocol + ", which sends no"
                            + " SASL credentials; set security_protocol: SASL_SSL (or SASL_PLAINTEXT)", false);
                    break;
                }
            }
        }
        if (!ssl && present.containsKey("ssl_ca_location")) {
            report.add(present.get("ssl_ca_location"), "is not used: security_protocol is " + shownProtocol
                    + ", which does not use TLS; set security_protocol: SSL (or SASL_SSL)", false);
        }
        if (sasl && !present.containsKey("sasl_mechanism") && !properties.containsKey("sasl.mechanism")
                && !properties.containsKey("sasl.jaas.config")) {
            report.add(present.getOrDefault("security_protocol", "security_protocol"), protocol + " needs sasl_mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512) with sasl_username and"
                    + " sasl_password, or sasl.mechanism and sasl.jaas.config under properties", true);
        }
    }
}
