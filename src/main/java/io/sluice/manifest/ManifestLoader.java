package io.sluice.manifest;

import io.sluice.manifest.ConfigNode.Parsed;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.SinkRegistry;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.yaml.snakeyaml.nodes.SequenceNode;

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
            String hint = FlowVariables.hint(text, line, e.getContext()).map(h -> "; " + h).orElse("");
            throw new ManifestException(List.of(new Problem(fileName, line, "", "not valid YAML: " + e.getProblem() + context
                    + hint)));
        } catch (YAMLException | IOException e) {
            throw new ManifestException(List.of(new Problem(fileName, 0, "", "not valid YAML: " + e.getMessage())));
        }
        ConfigNode.Context ctx = new ConfigNode.Context(fileName, problems, new EnvExpander(env));
        List<PipelineSpec> pipelines = new ArrayList<>();
        if (root instanceof SequenceNode list) {
            // a dlt-style kafka.yml is a bare list of pipelines: say where they go, then check each one
            problems.add(new Problem(fileName, root.getStartMark().getLine() + 1, "",
                    "a list of pipelines at the top level: put these under pipelines: (a line \"pipelines:\" first, then"
                            + " the list indented under it)"));
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                if (item instanceof MappingNode) {
                    pipeline(new ConfigNode(ctx, "[" + i + "]", item));
                }
            }
            problems.throwIfAny();
        }
        if (!(root instanceof MappingNode)) {
            throw new ManifestException(List.of(new Problem(fileName, 0, "",
                    "must be a mapping with name, source and sink (or a pipelines: list)")));
        }
        ConfigNode top = new ConfigNode(ctx, "", root);
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
        return new Manifest(fileName, pipelines, problems.warnings());
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
        EvolutionPolicy evolution = node.mapping("schema").map(SourceOptionsParser::evolution).orElse(EvolutionPolicy.defaults());
        node.finish();
        if (name.isPresent() && source.isPresent() && sink.isPresent()) {
            return Optional.of(new PipelineSpec(name.get(), source.get(), sink.get(), evolution));
        }
        return Optional.empty();
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
        Optional<String> id = node.has("connection_id") && !node.has("connection") ? node.string("connection_id") : Optional.empty();
        Optional<KafkaConnection> connection = connection(node, id);
        Optional<TopicSelection> topics = topics(node);
        Map<String, String> registry = id.map(this::registryFromEnv).orElse(Map.of());
        SourceOptions options = node.mapping("options").map(o -> SourceOptionsParser.options(o, registry))
                .orElseGet(() -> SourceOptionsParser.options(null, registry));
        node.accept("connection", "connection_id", "topic", "topics", "topics_regex");
        node.finish();
        if (connection.isEmpty() || topics.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SourceSpec(connection.get(), topics.get(), options));
    }

    /**
     * The schema registry a {@code connection_id} names, as dpone keeps it with the connection: {@code <ID>_SCHEMA_REGISTRY_URL},
     * {@code _USERNAME} and {@code _PASSWORD}, by the option keys they stand in for when {@code options} does not set them.
     */
    private Map<String, String> registryFromEnv(String id) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("schema_registry_url", "schema_registry_username", "schema_registry_password")) {
            String value = env.get(prefix(id) + key.toUpperCase(Locale.ROOT));
            if (value != null && !value.isBlank()) {
                out.put(key, value);
            }
        }
        return out;
    }

    private static String prefix(String id) {
        return id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
    }

    private Optional<KafkaConnection> connection(ConfigNode source, Optional<String> id) {
        boolean inline = source.has("connection");
        boolean byId = source.has("connection_id");
        if (inline && byId) {
            source.error("connection_id", "use either connection or connection_id, not both");
            source.accept("connection");
            return Optional.empty();
        }
        if (byId) {
            return id.flatMap(i -> connectionFromEnv(source, i));
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
        ConsumerProperties.Settings settings = new ConsumerProperties.Settings(c.has("sasl_mechanism"), c.has("ssl_ca_location"));
        ClientProperties props = new ClientProperties(c.mapping("properties")
                .map(m -> ConsumerProperties.read(m, settings)).orElse(Map.of()));
        if (protocol.isEmpty() || PROTOCOLS.contains(protocol.get())) {
            Map<String, String> present = new LinkedHashMap<>();
            for (String k : List.of("security_protocol", "sasl_mechanism", "sasl_username", "sasl_password", "ssl_ca_location")) {
                if (c.has(k)) {
                    present.put(k, k);
                }
            }
            SecurityChecks.check(protocol.orElse("PLAINTEXT"), present, props.values(),
                    (k, message, error) -> {
                        if (error) {
                            c.error(k, message);
                        } else {
                            c.warn(k, message);
                        }
                    });
        }
        c.finish();
        return bootstrap.map(b -> new KafkaConnection(b, protocol, mechanism, user, password, ca, clientId, props,
                Duration.ofMillis(timeout)));
    }

    private Optional<KafkaConnection> connectionFromEnv(ConfigNode source, String id) {
        String prefix = prefix(id);
        String bootstrap = env.get(prefix + "BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            source.error("connection_id", "environment variable " + prefix + "BOOTSTRAP_SERVERS is not set (connection_id "
                    + ConfigNode.quote(id) + " reads " + prefix + "BOOTSTRAP_SERVERS, " + prefix + "SASL_USERNAME, ...)");
            return Optional.empty();
        }
        Optional<String> mechanism = Optional.ofNullable(env.get(prefix + "SASL_MECHANISM")).map(m -> m.toUpperCase(Locale.ROOT));
        Optional<String> protocol = Optional.ofNullable(env.get(prefix + "SECURITY_PROTOCOL")).map(p -> p.toUpperCase(Locale.ROOT));
        Map<String, String> present = new LinkedHashMap<>();
        for (String k : List.of("security_protocol", "sasl_mechanism", "sasl_username", "sasl_password", "ssl_ca_location")) {
            String var = prefix + k.toUpperCase(Locale.ROOT);
            if (env.get(var) != null) {
                present.put(k, var);
            }
        }
        if (protocol.isEmpty() || PROTOCOLS.contains(protocol.get())) {
            SecurityChecks.check(protocol.orElse("PLAINTEXT"), present, Map.of(), (var, message, error) -> {
                if (error) {
                    source.error("connection_id", var + ": " + message);
                } else {
                    source.warn("connection_id", var + " " + message);
                }
            });
        }
        return Optional.of(new KafkaConnection(bootstrap,
                protocol,
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

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
