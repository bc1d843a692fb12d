package io.sluice.manifest;

import io.sluice.manifest.ConfigNode.Parsed;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.manifest.SourceOptions.OnError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a source's {@code options:} (read mode, batching, formats, schema registry) and a pipeline's {@code schema:}
 * section into records, reporting every problem on the node as {@link ManifestLoader} does for the rest.
 */
final class SourceOptionsParser {
    private SourceOptionsParser() {}

    /**
     * @param registryDefaults values for {@code schema_registry_url}, {@code _username} and {@code _password} that
     *                         apply when the options do not set them (from a {@code connection_id}'s environment)
     */
    static SourceOptions options(ConfigNode o, Map<String, String> registryDefaults) {
        if (o == null) {
            return new SourceOptions(new ReadMode.ToHighWatermark(), true, new StartPosition.Earliest(),
                    MessageFormat.JSON, NestedMode.FLATTEN, "__", 50_000, 64L << 20, Duration.ofSeconds(1),
                    Duration.ofMillis(500), OnError.FAIL, Optional.empty(), false, Duration.ofSeconds(30),
                    SchemaOptions.none());
        }
        String mode = o.choice("read_mode", "offsets", words("offsets", "max_records", "time_window", "continuous"));
        ReadMode readMode = switch (mode) {
            case "max_records" -> {
                if (!o.has("max_records")) {
                    o.error("max_records", "required when read_mode is max_records");
                }
                yield new ReadMode.MaxRecords(o.longValue("max_records", 1, 1, Long.MAX_VALUE));
            }
            case "time_window" -> timeWindow(o);
            case "continuous" -> new ReadMode.Continuous();
            default -> new ReadMode.ToHighWatermark();
        };
        if (!mode.equals("max_records") && o.has("max_records")) {
            o.error("max_records", "only applies when read_mode is max_records");
        }
        if (!mode.equals("time_window") && o.has("time_window")) {
            o.error("time_window", "only applies when read_mode is time_window");
        }
        String startFrom = o.string("start_from", "stored");
        boolean resume = startFrom.equals("stored");
        StartPosition initial = resume
                ? o.parsed("initial_position", SourceOptionsParser::position).orElse(new StartPosition.Earliest())
                : o.parsed("start_from", SourceOptionsParser::position).orElse(new StartPosition.Earliest());
        if (!resume && o.has("initial_position")) {
            o.error("initial_position", "only applies when start_from is stored");
        }
        MessageFormat format = o.choice("message_format", MessageFormat.JSON, FORMATS);
        NestedMode nested = o.choice("nested", NestedMode.FLATTEN,
                words3("flatten", NestedMode.FLATTEN, "struct", NestedMode.STRUCT, "json", NestedMode.JSON));
        String separator = o.string("flatten_separator", "__");
        if (separator.isEmpty()) {
            o.error("flatten_separator", "must not be empty");
        }
        int batchSize = o.intValue("batch_size", 50_000, 1, 10_000_000);
        long batchBytes = o.longValue("batch_max_bytes", 64L << 20, 1024, 4L << 30);
        long batchTimeout = o.longValue("batch_timeout_ms", 1000, 1, 3_600_000);
        long pollTimeout = o.longValue("poll_timeout_ms", 500, 1, 60_000);
        OnError onError = o.choice("on_error", OnError.FAIL, words3("fail", OnError.FAIL, "skip", OnError.SKIP, null, null));
        Optional<String> groupId = o.string("group_id");
        boolean commitToKafka = o.bool("commit_offsets_to_kafka", false);
        if (commitToKafka && groupId.isEmpty()) {
            o.error("commit_offsets_to_kafka", "needs group_id");
        }
        long refresh = o.longValue("topic_refresh_ms", 30_000, 100, 86_400_000);
        SchemaOptions schemas = schemaOptions(o, format, registryDefaults);
        boolean headers = o.bool("include_headers", false);
        o.finish();
        return new SourceOptions(readMode, resume, initial, format, nested, separator, batchSize, batchBytes,
                Duration.ofMillis(batchTimeout), Duration.ofMillis(pollTimeout), onError, groupId, commitToKafka,
                Duration.ofMillis(refresh), schemas, headers);
    }

    private static final Map<String, MessageFormat> FORMATS = formats();

    private static Map<String, MessageFormat> formats() {
        Map<String, MessageFormat> m = new LinkedHashMap<>();
        for (MessageFormat f : MessageFormat.values()) {
            m.put(f.word(), f);
        }
        return m;
    }

    private static SchemaOptions schemaOptions(ConfigNode o, MessageFormat format, Map<String, String> defaults) {
        MessageFormat keyFormat = o.choice("key_format", MessageFormat.STRING, FORMATS);
        Optional<RegistrySpec> registry = registry(o, defaults);
        Optional<Path> schemaFile = o.string("schema_file").map(Path::of);
        Optional<String> messageType = o.string("message_type");
        SchemaOptions.SubjectNameStrategy subjects = o.choice("subject_name_strategy", SchemaOptions.SubjectNameStrategy.TOPIC,
                words3("topic", SchemaOptions.SubjectNameStrategy.TOPIC, "record", SchemaOptions.SubjectNameStrategy.RECORD,
                        "topic_record", SchemaOptions.SubjectNameStrategy.TOPIC_RECORD));
        SchemaOptions.WireFormat wire = o.choice("wire_format",
                registry.isPresent() ? SchemaOptions.WireFormat.CONFLUENT : SchemaOptions.WireFormat.PLAIN,
                words3("confluent", SchemaOptions.WireFormat.CONFLUENT, "plain", SchemaOptions.WireFormat.PLAIN, null, null));
        if (format.typed() && registry.isEmpty() && schemaFile.isEmpty()) {
            o.error("message_format", format.word() + " needs schema_registry_url or schema_file");
        }
        if (keyFormat.typed() && registry.isEmpty()) {
            o.error("key_format", keyFormat.word() + " keys need schema_registry_url");
        }
        if (schemaFile.isPresent()) {
            Path f = schemaFile.get();
            String name = f.getFileName() == null ? "" : f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            List<String> allowed = switch (format) {
                case AVRO -> List.of(".avsc");
                case PROTOBUF -> List.of(".proto", ".desc", ".pb", ".protoset");
                case JSON_SCHEMA -> List.of(".json");
                default -> List.of();
            };
            if (allowed.isEmpty()) {
                o.error("schema_file", "only applies to message_format avro, protobuf or json_schema (it is " + format.word() + ")");
            } else if (allowed.stream().noneMatch(name::endsWith)) {
                o.error("schema_file", ConfigNode.quote(f.toString()) + " is not a schema file for " + format.word() + " (expected "
                        + String.join(", ", allowed) + ")");
            } else if (!java.nio.file.Files.isRegularFile(f)) {
                o.error("schema_file", ConfigNode.quote(f.toString()) + " does not exist (relative paths start at the"
                        + " working directory)");
            }
        }
        if (messageType.isPresent() && format != MessageFormat.PROTOBUF) {
            o.error("message_type", "only applies to message_format protobuf");
        }
        return new SchemaOptions(keyFormat, registry, schemaFile, messageType, wire, subjects);
    }

    private static Optional<RegistrySpec> registry(ConfigNode o, Map<String, String> defaults) {
        Optional<List<String>> urls = o.string("schema_registry_url")
                .or(() -> Optional.ofNullable(defaults.get("schema_registry_url")))
                .map(u -> List.of(u.split("\\s*,\\s*")));
        boolean ownUrl = o.has("schema_registry_url");
        Optional<String> user = o.string("schema_registry_username")
                .or(() -> ownUrl ? Optional.empty() : Optional.ofNullable(defaults.get("schema_registry_username")));
        Optional<Secret> password = o.secret("schema_registry_password")
                .or(() -> ownUrl ? Optional.empty() : Optional.ofNullable(defaults.get("schema_registry_password")).map(Secret::new));
        Optional<Secret> token = o.secret("schema_registry_token");
        Optional<Path> ca = o.string("schema_registry_ca").map(Path::of);
        long timeout = o.longValue("schema_registry_timeout_ms", 10_000, 100, 600_000);
        int retries = o.intValue("schema_registry_retries", 5, 0, 100);
        if (urls.isEmpty()) {
            for (String k : List.of("schema_registry_username", "schema_registry_password", "schema_registry_token",
                    "schema_registry_ca")) {
                if (o.has(k)) {
                    o.error(k, "needs schema_registry_url");
                }
            }
            return Optional.empty();
        }
        List<java.net.URI> parsed = new java.util.ArrayList<>();
        for (String u : urls.get()) {
            try {
                java.net.URI uri = new java.net.URI(u);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    o.error("schema_registry_url", ConfigNode.quote(u) + " is not an http(s) URL such as http://localhost:8081");
                } else if (uri.getUserInfo() != null) {
                    // credentials in the URL would be printed with it in every message; they also are not sent
                    o.error("schema_registry_url", "must not hold credentials (user:password@); use schema_registry_username"
                            + " and schema_registry_password, which are masked");
                }
                parsed.add(uri);
            } catch (java.net.URISyntaxException e) {
                o.error("schema_registry_url", ConfigNode.quote(u) + " is not a URL: " + e.getReason());
            }
        }
        if (user.isPresent() != password.isPresent()) {
            o.error(user.isPresent() ? "schema_registry_username" : "schema_registry_password",
                    "schema_registry_username and schema_registry_password go together");
        }
        if (token.isPresent() && user.isPresent()) {
            o.error("schema_registry_token", "use either a bearer token or basic auth (username/password), not both");
        }
        if (ca.isPresent() && !java.nio.file.Files.isRegularFile(ca.get())) {
            o.error("schema_registry_ca", ConfigNode.quote(ca.get().toString()) + " does not exist");
        }
        return Optional.of(new RegistrySpec(parsed, user, password, token, ca, Duration.ofMillis(timeout), retries));
    }

    private static ReadMode timeWindow(ConfigNode o) {
        Optional<ConfigNode> w = o.mapping("time_window");
        if (w.isEmpty()) {
            o.error("time_window", "required when read_mode is time_window: {from: <timestamp>, to: <timestamp>}");
            return new ReadMode.TimeWindow(Instant.EPOCH, Optional.empty());
        }
        ConfigNode window = w.get();
        if (!window.has("from")) {
            window.error("from", "required: the window's first timestamp (ISO-8601, e.g. 2026-01-01T00:00:00Z)");
        }
        Instant from = window.parsed("from", SourceOptionsParser::timestamp).orElse(Instant.EPOCH);
        Optional<Instant> to = window.parsed("to", SourceOptionsParser::timestamp);
        if (to.isPresent() && !to.get().isAfter(from)) {
            window.error("to", ConfigNode.quote(to.get().toString()) + " must be after from (" + from + ")");
        }
        window.finish();
        return new ReadMode.TimeWindow(from, to);
    }

    static Parsed<StartPosition> position(String raw) {
        return switch (raw) {
            case "earliest" -> Parsed.ok(new StartPosition.Earliest());
            case "latest" -> Parsed.ok(new StartPosition.Latest());
            default -> {
                Parsed<Instant> t = timestamp(raw);
                yield t.error() == null ? Parsed.ok(new StartPosition.AtTimestamp(t.value()))
                        : Parsed.fail("is not allowed (allowed: stored, earliest, latest, or an ISO-8601 timestamp)"
                                + Suggestions.didYouMean(raw, List.of("stored", "earliest", "latest")));
            }
        };
    }

    static Parsed<Instant> timestamp(String raw) {
        try {
            return Parsed.ok(Instant.parse(raw));
        } catch (DateTimeParseException e) {
            try {
                return Parsed.ok(LocalDate.parse(raw).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e2) {
                return Parsed.fail("is not a timestamp (allowed: ISO-8601 such as 2026-01-01T00:00:00Z, or a date 2026-01-01)");
            }
        }
    }

    private static Map<String, String> words(String... ws) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String w : ws) {
            m.put(w, w);
        }
        return m;
    }

    private static <T> Map<String, T> words3(String a, T va, String b, T vb, String c, T vc) {
        Map<String, T> m = new LinkedHashMap<>();
        m.put(a, va);
        m.put(b, vb);
        if (c != null) {
            m.put(c, vc);
        }
        return m;
    }

    /** The {@code schema:} section of a pipeline. */
    /** The highest {@code schema.max_columns} accepted: far past what an embedded sink handles well, but a bound. */
    private static final int MAX_COLUMNS_CEILING = 100_000;

    static EvolutionPolicy evolution(ConfigNode node) {
        EvolutionPolicy policy = node.mapping("evolution").map(e -> {
            EvolutionPolicy.NewColumn newColumn = e.choice("new_column", EvolutionPolicy.NewColumn.EVOLVE,
                    enumWords(EvolutionPolicy.NewColumn.values()));
            EvolutionPolicy.Widening widening = e.choice("type_widening", EvolutionPolicy.Widening.EVOLVE,
                    enumWords(EvolutionPolicy.Widening.values()));
            EvolutionPolicy.Breaking breaking = e.choice("breaking_change", EvolutionPolicy.Breaking.FAIL,
                    enumWords(EvolutionPolicy.Breaking.values()));
            e.finish();
            return new EvolutionPolicy(newColumn, widening, breaking);
        }).orElse(EvolutionPolicy.defaults());
        int maxColumns = node.intValue("max_columns", EvolutionPolicy.DEFAULT_MAX_COLUMNS, 1, MAX_COLUMNS_CEILING);
        node.finish();
        return new EvolutionPolicy(policy.newColumn(), policy.widening(), policy.breaking(), maxColumns);
    }

    private static <E extends Enum<E>> Map<String, E> enumWords(E[] values) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E v : values) {
            m.put(v.name().toLowerCase(Locale.ROOT), v);
        }
        return m;
    }
}
