package io.sluice.manifest;

import io.sluice.manifest.ConfigNode.Parsed;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.SinkRegistry;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a manifest into immutable records, or fails with {@link ManifestException} listing every problem.
 * Makes no connection: {@code sluice validate} is exactly this.
 */
public final class ManifestLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private final Map<String, String> env;
    private final SinkRegistry sinks;

    public ManifestLoader(Map<String, String> env, SinkRegistry sinks) {
        this.env = env;
        this.sinks = sinks;
    }

    public Manifest load(Path file) {
        String name = file.toString();
        try {
            return parse(name, Files.readString(file));
        } catch (IOException e) {
            throw new ManifestException(List.of(new Problem(name, 0, "", "cannot read the file: " + e.getMessage())));
        }
    }

    public Manifest parse(String fileName, String text) {
        Problems problems = new Problems();
        Node root;
        try (Reader r = new StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported by ConfigNode with a line number
            root = new Yaml(options).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            String context = e.getContext() == null || e.getContextMark() == null ? ""
                    : " (" + e.getContext() + " at line " + (e.getContextMark().getLine() + 1) + ")";
            throw new ManifestException(List.of(new Problem(fileName, line, "", "not valid YAML: " + e.getProblem() + context)));
        } catch (YAMLException | IOException e) {
            throw new ManifestException(List.of(new Problem(fileName, 0, "", "not valid YAML: " + e.getMessage())));
        }
        if (!(root instanceof MappingNode)) {
            throw new ManifestException(List.of(new Problem(fileName, 0, "",
                    "must be a mapping with name, source and sink (or a pipelines: list)")));
        }
        ConfigNode.Context ctx = new ConfigNode.Context(fileName, problems, new EnvExpander(env));
        ConfigNode top = new ConfigNode(ctx, "", root);
        List<PipelineSpec> pipelines = new ArrayList<>();
        if (top.has("pipelines")) {
            List<ConfigNode> items = top.mappingList("pipelines");
            if (items.isEmpty() && problems.isEmpty()) {
                top.error("pipelines", "must list at least one pipeline");
            }
            Set<String> seen = new HashSet<>();
            for (ConfigNode item : items) {
                Optional<PipelineSpec> p = pipeline(item);
                p.ifPresent(pipelines::add);
                if (p.isPresent() && !seen.add(p.get().name())) {
                    item.error("name", "pipeline name \"" + p.get().name()
                            + "\" is used twice; names identify stored offsets and must be unique");
                }
            }
            top.finish();
        } else {
            pipeline(top).ifPresent(pipelines::add);
        }
        problems.throwIfAny();
        return new Manifest(fileName, pipelines);
    }

    private Optional<PipelineSpec> pipeline(ConfigNode node) {
        Optional<String> name = node.requiredString("name", "a pipeline name (letters, digits, _ . -)");
        name.filter(n -> !NAME.matcher(n).matches()).ifPresent(n -> node.error("name",
                ConfigNode.quote(n) + " is not a valid name (allowed: letters, digits, _ . -)"));
        Optional<SourceSpec> source = Optional.empty();
        Optional<ConfigNode> sourceNode = node.mapping("source");
        if (sourceNode.isPresent()) {
            source = source(sourceNode.get());
        } else if (!node.has("source")) {
            node.error("source", "required: a source mapping with type: kafka");
        }
        Optional<SinkSpec> sink = Optional.empty();
        Optional<ConfigNode> sinkNode = node.mapping("sink");
        if (sinkNode.isPresent()) {
            sink = sink(sinkNode.get());
        } else if (!node.has("sink")) {
            node.error("sink", "required: a sink mapping with a type (one of " + String.join(", ", sinks.types()) + ")");
        }
        EvolutionPolicy evolution = node.mapping("schema").map(this::schema).orElse(EvolutionPolicy.defaults());
        node.finish();
        if (name.isPresent() && source.isPresent() && sink.isPresent()) {
            return Optional.of(new PipelineSpec(name.get(), source.get(), sink.get(), evolution));
        }
        return Optional.empty();
    }

    private EvolutionPolicy schema(ConfigNode node) {
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
        node.finish();
        return policy;
    }

    private static <E extends Enum<E>> Map<String, E> enumWords(E[] values) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E v : values) {
            m.put(v.name().toLowerCase(Locale.ROOT), v);
        }
        return m;
    }

    private Optional<SinkSpec> sink(ConfigNode node) {
        Optional<String> type = node.requiredString("type", "one of " + String.join(", ", sinks.types()));
        if (type.isEmpty()) {
            node.accept(allKeys(node));
            return Optional.empty();
        }
        Optional<SinkProvider> provider = sinks.provider(type.get());
        if (provider.isEmpty()) {
            node.error("type", ConfigNode.quote(type.get()) + " is not a known sink type (known: "
                    + String.join(", ", sinks.types()) + ")" + Suggestions.didYouMean(type.get(), sinks.types()));
            node.accept(allKeys(node));
            return Optional.empty();
        }
        SinkConfig config = provider.get().parse(node);
        node.finish();
        return Optional.of(new SinkSpec(type.get(), config));
    }

    private static String[] allKeys(ConfigNode node) {
        return node.keys().toArray(String[]::new);
    }

    private Optional<SourceSpec> source(ConfigNode node) {
        Optional<String> type = node.requiredString("type", "kafka");
        type.filter(t -> !t.equals("kafka")).ifPresent(t -> node.error("type",
                ConfigNode.quote(t) + " is not a known source type (known: kafka)"));
        Optional<KafkaConnection> connection = connection(node);
        Optional<TopicSelection> topics = topics(node);
        SourceOptions options = node.mapping("options").map(this::options).orElseGet(() -> options(null));
        node.accept("connection", "connection_id", "topic", "topics", "topics_regex");
        node.finish();
        if (connection.isEmpty() || topics.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SourceSpec(connection.get(), topics.get(), options));
    }

    private Optional<KafkaConnection> connection(ConfigNode source) {
        boolean inline = source.has("connection");
        boolean byId = source.has("connection_id");
        if (inline && byId) {
            source.error("connection_id", "use either connection or connection_id, not both");
            source.accept("connection");
            return Optional.empty();
        }
        if (byId) {
            return source.string("connection_id").flatMap(id -> connectionFromEnv(source, id));
        }
        Optional<ConfigNode> node = source.mapping("connection");
        if (node.isEmpty()) {
            source.error("connection", "required: a connection mapping with bootstrap_servers, or connection_id");
            return Optional.empty();
        }
        ConfigNode c = node.get();
        Optional<String> bootstrap = c.requiredString("bootstrap_servers", "host:port[,host:port...]");
        Optional<String> protocol = c.string("security_protocol").map(s -> s.toUpperCase(Locale.ROOT));
        protocol.filter(p -> !PROTOCOLS.contains(p)).ifPresent(p -> c.error("security_protocol",
                ConfigNode.quote(p) + " is not allowed (allowed: " + String.join(", ", sorted(PROTOCOLS)) + ")"));
        Optional<String> mechanism = c.string("sasl_mechanism").map(s -> s.toUpperCase(Locale.ROOT));
        mechanism.filter(m -> !MECHANISMS.contains(m)).ifPresent(m -> c.error("sasl_mechanism",
                ConfigNode.quote(m) + " is not allowed (allowed: " + String.join(", ", MECHANISMS) + ")"));
        Optional<String> user = c.string("sasl_username");
        Optional<Secret> password = c.secret("sasl_password");
        if (mechanism.isPresent() && (user.isEmpty() || password.isEmpty())) {
            c.error("sasl_mechanism", "needs sasl_username and sasl_password");
        }
        Optional<String> ca = c.string("ssl_ca_location");
        String clientId = c.string("client_id", "sluice");
        long timeout = c.longValue("timeout_ms", 30_000, 100, 3_600_000);
        ClientProperties props = new ClientProperties(c.stringMap("properties"));
        c.finish();
        return bootstrap.map(b -> new KafkaConnection(b, protocol, mechanism, user, password, ca, clientId, props,
                Duration.ofMillis(timeout)));
    }

    private Optional<KafkaConnection> connectionFromEnv(ConfigNode source, String id) {
        String prefix = id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
        String bootstrap = env.get(prefix + "BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            source.error("connection_id", "environment variable " + prefix + "BOOTSTRAP_SERVERS is not set (connection_id "
                    + ConfigNode.quote(id) + " reads " + prefix + "BOOTSTRAP_SERVERS, " + prefix + "SASL_USERNAME, ...)");
            return Optional.empty();
        }
        Optional<String> mechanism = Optional.ofNullable(env.get(prefix + "SASL_MECHANISM"));
        return Optional.of(new KafkaConnection(bootstrap,
                Optional.ofNullable(env.get(prefix + "SECURITY_PROTOCOL")),
                mechanism,
                Optional.ofNullable(env.get(prefix + "SASL_USERNAME")),
                Optional.ofNullable(env.get(prefix + "SASL_PASSWORD")).map(Secret::new),
                Optional.ofNullable(env.get(prefix + "SSL_CA_LOCATION")),
                env.getOrDefault(prefix + "CLIENT_ID", "sluice"),
                new ClientProperties(Map.of()),
                Duration.ofMillis(30_000)));
    }

    private Optional<TopicSelection> topics(ConfigNode source) {
        boolean list = source.has("topics") || source.has("topic");
        boolean regex = source.has("topics_regex");
        if (list && regex) {
            source.error("topics_regex", "use either topics or topics_regex, not both");
            source.accept("topics", "topic");
            return Optional.empty();
        }
        if (regex) {
            return source.parsed("topics_regex", raw -> {
                try {
                    return Parsed.ok(new TopicSelection.Matching(Pattern.compile(raw)));
                } catch (PatternSyntaxException e) {
                    return Parsed.fail("is not a valid regular expression: " + e.getDescription()
                            + " near index " + e.getIndex());
                }
            });
        }
        if (source.has("topic") && source.has("topics")) {
            source.error("topics", "use either topic or topics, not both");
            return Optional.empty();
        }
        String key = source.has("topic") ? "topic" : "topics";
        Optional<List<String>> names = source.stringList(key);
        if (names.isEmpty()) {
            if (!source.has(key)) {
                source.error("topics", "required: a list of topic names, or topics_regex");
            }
            return Optional.empty();
        }
        if (names.get().isEmpty()) {
            source.error(key, "must name at least one topic");
            return Optional.empty();
        }
        boolean ok = true;
        for (String t : names.get()) {
            if (!TOPIC.matcher(t).matches()) {
                source.error(key, ConfigNode.quote(t) + " is not a valid topic name (allowed: letters, digits, . _ -, at most 249)");
                ok = false;
            }
        }
        return ok ? Optional.of(new TopicSelection.Named(names.get())) : Optional.empty();
    }

    private SourceOptions options(ConfigNode o) {
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
                ? o.parsed("initial_position", ManifestLoader::position).orElse(new StartPosition.Earliest())
                : o.parsed("start_from", ManifestLoader::position).orElse(new StartPosition.Earliest());
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
        SchemaOptions schemas = schemaOptions(o, format);
        o.finish();
        return new SourceOptions(readMode, resume, initial, format, nested, separator, batchSize, batchBytes,
                Duration.ofMillis(batchTimeout), Duration.ofMillis(pollTimeout), onError, groupId, commitToKafka,
                Duration.ofMillis(refresh), schemas);
    }

    private static final Map<String, MessageFormat> FORMATS = formats();

    private static Map<String, MessageFormat> formats() {
        Map<String, MessageFormat> m = new LinkedHashMap<>();
        for (MessageFormat f : MessageFormat.values()) {
            m.put(f.word(), f);
        }
        return m;
    }

    private SchemaOptions schemaOptions(ConfigNode o, MessageFormat format) {
        MessageFormat keyFormat = o.choice("key_format", MessageFormat.STRING, FORMATS);
        Optional<RegistrySpec> registry = registry(o);
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

    private Optional<RegistrySpec> registry(ConfigNode o) {
        Optional<List<String>> urls = o.string("schema_registry_url").map(u -> List.of(u.split("\\s*,\\s*")));
        Optional<String> user = o.string("schema_registry_username");
        Optional<Secret> password = o.secret("schema_registry_password");
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

    private ReadMode timeWindow(ConfigNode o) {
        Optional<ConfigNode> w = o.mapping("time_window");
        if (w.isEmpty()) {
            o.error("time_window", "required when read_mode is time_window: {from: <timestamp>, to: <timestamp>}");
            return new ReadMode.TimeWindow(Instant.EPOCH, Optional.empty());
        }
        ConfigNode window = w.get();
        if (!window.has("from")) {
            window.error("from", "required: the window's first timestamp (ISO-8601, e.g. 2026-01-01T00:00:00Z)");
        }
        Instant from = window.parsed("from", ManifestLoader::timestamp).orElse(Instant.EPOCH);
        Optional<Instant> to = window.parsed("to", ManifestLoader::timestamp);
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

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
