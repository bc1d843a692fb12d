package io.sluice.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What Sluice knows about keys it does not read: where each of its own keys lives (so a key in the wrong section
 * gets pointed to the right one), the names other Kafka ingestion tools use for them (dlt, dpone, Kafka's own
 * dotted properties), and keys of those tools that have no meaning in Sluice and only earn a warning.
 *
 * <p>Sections are YAML paths relative to a pipeline: {@code source.options}, {@code sink}, {@code ""} for the pipeline.
 */
final class KeyHints {
    private KeyHints() {}

    /** A key Sluice accepts but ignores, and why; {@code fatal} when ignoring it would change the result. */
    record Ignored(String message, boolean fatal) {}

    /** Sluice's own keys, by the section they belong in (sink keys: the built-in DuckDB sink's). */
    private static final Map<String, List<String>> SECTIONS = Map.of(
            "", List.of("name", "source", "sink", "schema"),
            "source", List.of("type", "connection", "connection_id", "topic", "topics", "topics_regex", "options"),
            "source.connection", List.of("bootstrap_servers", "security_protocol", "sasl_mechanism", "sasl_username",
                    "sasl_password", "ssl_ca_location", "client_id", "timeout_ms", "properties"),
            "source.options", List.of("read_mode", "start_from", "initial_position", "max_records", "time_window",
                    "message_format", "schema_registry_url", "schema_registry_username", "schema_registry_password",
                    "schema_registry_token", "schema_registry_ca", "schema_registry_timeout_ms", "schema_registry_retries",
                    "subject_name_strategy", "schema_file", "message_type", "wire_format", "key_format", "nested",
                    "flatten_separator", "batch_size", "batch_max_bytes", "batch_timeout_ms", "poll_timeout_ms",
                    "topic_refresh_ms", "on_error", "group_id", "commit_offsets_to_kafka"),
            "sink", List.of("type", "path", "schema", "table", "checkpoint_threshold", "memory_limit"),
            "schema", List.of("evolution"),
            "schema.evolution", List.of("new_column", "type_widening", "breaking_change"));

    /** Other tools' names (normalized: lower case, {@code .} and {@code -} as {@code _}) for Sluice's keys. */
    private static final Map<String, String> ALIASES = aliases();

    private static Map<String, String> aliases() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : List.of("consumer_group_id", "consumer_group", "group", "group_id")) {
            m.put(a, "source.options.group_id");
        }
        for (String a : List.of("target_table", "table_name", "destination_table", "table")) {
            m.put(a, "sink.table");
        }
        m.put("dataset_name", "sink.schema");
        for (String a : List.of("serializer", "deserializer", "value_serializer", "value_deserializer", "value_format",
                "format", "serialization", "message_format")) {
            m.put(a, "source.options.message_format");
        }
        for (String a : List.of("key_serializer", "key_deserializer", "key_format")) {
            m.put(a, "source.options.key_format");
        }
        m.put("batch_timeout", "source.options.batch_timeout_ms");
        m.put("poll_timeout", "source.options.poll_timeout_ms");
        for (String a : List.of("topic_regex", "topic_pattern", "topics_pattern", "topic_pattern_regex", "pattern", "regex")) {
            m.put(a, "source.topics_regex");
        }
        for (String a : List.of("bootstrap_servers", "bootstrap_server", "bootstrap", "brokers", "broker", "servers")) {
            m.put(a, "source.connection.bootstrap_servers");
        }
        for (String a : List.of("auto_offset_reset", "offset_reset", "starting_offsets", "startingoffsets", "start_offset")) {
            m.put(a, "source.options.initial_position");
        }
        for (String a : List.of("max_messages", "max_records", "limit")) {
            m.put(a, "source.options.max_records");
        }
        for (String a : List.of("schema_registry", "schema_registry_url", "registry_url")) {
            m.put(a, "source.options.schema_registry_url");
        }
        m.put("sasl_mechanisms", "source.connection.sasl_mechanism");
        m.put("sasl_user", "source.connection.sasl_username");
        m.put("username", "source.connection.sasl_username");
        m.put("password", "source.connection.sasl_password");
        m.put("security_protocol", "source.connection.security_protocol");
        m.put("ssl_ca", "source.connection.ssl_ca_location");
        m.put("ssl_ca_location", "source.connection.ssl_ca_location");
        m.put("client_id", "source.connection.client_id");
        m.put("kafka", "source");
        m.put("destination", "sink");
        m.put("target", "sink");
        return m;
    }

    /** The section of {@code path} relative to its pipeline: {@code pipelines[2].source.options} is {@code source.options}. */
    static String section(String path) {
        return path.replaceFirst("^(pipelines)?\\[\\d+\\]\\.?", "");
    }

    /** Where Sluice keeps {@code key}, written as a user would look for it from {@code section}, if Sluice has it. */
    static Optional<String> elsewhere(String section, String key) {
        String k = normalize(key);
        List<String> found = SECTIONS.entrySet().stream()
                .filter(e -> !e.getKey().equals(section) && e.getValue().contains(k))
                .map(e -> join(e.getKey(), k))
                .toList();
        String target = found.size() == 1 ? found.get(0) : ALIASES.get(k);
        if (target == null || parent(target).equals(section) && key.equals(leaf(target))) {
            return Optional.empty();
        }
        return Optional.of(parent(target).equals(section) ? leaf(target) : target);
    }

    /**
     * Keys of dpone manifests (and their top-level sections) that load and run in Sluice, because Sluice already
     * does what they ask for or has no such setting: with a warning saying so (an empty message when the value asks
     * for exactly what Sluice does), or fatal when ignoring the value would change the result. {@code value} is the
     * key's scalar value, or for a mapping its {@code mode}, or null.
     */
    static Optional<Ignored> ignored(String section, String key, String value) {
        String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return Optional.ofNullable(switch (section + "|" + key) {
            case "source|connection_type" -> v.equals("env") ? silent() : warn("connection_id reads"
                    + " environment variables only (<ID>_BOOTSTRAP_SERVERS, <ID>_SASL_USERNAME, <ID>_SASL_PASSWORD, ...):"
                    + " export them from " + (v.isEmpty() ? "your secret store" : v) + " before the run");
            case "source.options|offset_storage" -> warn(v.equals("kafka")
                    ? "offsets are always stored in the sink, in the same transaction as the rows, and read from"
                    + " there; to also commit them to the consumer group, set commit_offsets_to_kafka: true (with group_id)"
                    : "offsets are always stored in the sink, in the same transaction as the rows (table"
                    + " _sluice_offsets), and read from there");
            case "source.options|envelope" -> v.equals("none") || v.equals("flat") ? silent() : warn("envelopes"
                    + " are not unwrapped: each value lands as it is, so a dpone envelope {op, data, ...} becomes"
                    + " columns op, data__<field>, ... (nested: json keeps data in one JSON column)");
            case "source.options|max_empty_polls" -> warn("a bounded Sluice run ends at the end offsets fixed when"
                    + " it starts, not after empty polls; read_mode: continuous reads until stopped");
            case "|state" -> warn("the state (the next offsets) lives in the sink, table _sluice_offsets");
            case "|quality" -> warn("no quality checks are run; each run ends with a summary of what was read,"
                    + " written and skipped (--format json for machines)");
            case "|observability" -> warn("each run prints a summary per pipeline (--format json for machines)");
            case "|strategy" -> v.isEmpty() || v.equals("incremental_append") || v.equals("kafka_offsets")
                    ? warn("every record is appended exactly once, which is incremental_append")
                    : new Ignored("mode " + ConfigNode.quote(value) + " is not supported: Sluice appends every record"
                    + " exactly once (incremental_append); remove strategy, or load this another way", true);
            default -> null;
        });
    }

    private static Ignored warn(String why) {
        return new Ignored("has no meaning in Sluice: " + why, false);
    }

    private static Ignored silent() {
        return new Ignored("", false);
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String join(String section, String key) {
        return section.isEmpty() ? key : section + "." + key;
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
