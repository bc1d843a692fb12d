package io.sluice.manifest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping being read into a config record. Every accessor reports problems (with file, line and
 * YAML path) instead of throwing, so a whole manifest is checked in one pass; {@link #finish()} then
 * reports the keys nobody asked for as unknown. Scalars are expanded from the environment on read.
 *
 * <p>Sinks use this to read their own section of the manifest.
 */
public final class ConfigNode {
    private final Context ctx;
    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    /** What one load shares: where problems go, and which hints were given already (so each is given once). */
    record Context(String file, Problems problems, EnvExpander env, Set<String> given) {
        Context(String file, Problems problems, EnvExpander env) {
            this(file, problems, env, new HashSet<>());
        }
    }

    ConfigNode(Context ctx, String path, Node node) {
        this.ctx = ctx;
        this.path = path;
        this.node = node;
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    if (entries.putIfAbsent(k.getValue(), t) != null) {
                        problemAt(t.getKeyNode(), child(k.getValue()), "duplicate key");
                    }
                } else {
                    problemAt(t.getKeyNode(), path, "keys must be plain strings");
                }
            }
        }
    }

    /** The dotted YAML path of this mapping ({@code ""} for the document root). */
    public String path() {
        return path;
    }

    /** The keys present in this mapping, in file order. */
    public java.util.Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Reports a problem about {@code key} of this mapping (at the key's line when present). */
    public void error(String key, String message) {
        read.add(key);
        NodeTuple t = entries.get(key);
        problemAt(t != null ? t.getValueNode() : node, child(key), message);
    }

    /** Reports a problem about this mapping as a whole. */
    public void error(String message) {
        problemAt(node, path, message);
    }

    public Optional<String> string(String key) {
        return scalar(key, "a string").map(s -> expand(key, s));
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /** A required string; reports {@code what} as the expectation when it is missing. */
    public Optional<String> requiredString(String key, String what) {
        if (!has(key)) {
            read.add(key);
            problemAt(node, child(key), "required: " + what);
            return Optional.empty();
        }
        int before = ctx.problems().size();
        Optional<String> v = string(key);
        if (ctx.problems().size() > before) {
            return Optional.empty(); // already reported, e.g. an unset environment variable
        }
        if (v.isPresent() && v.get().isBlank()) {
            error(key, "must not be empty (" + what + ")");
            return Optional.empty();
        }
        return v;
    }

    public Optional<Secret> secret(String key) {
        return string(key).map(Secret::new);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String text = raw.get().replace("_", "");
        try {
            long v = Long.parseLong(text);
            if (v < min || v > max) {
                error(key, quote(raw.get()) + " is out of range (allowed: " + min + " to " + max + ")");
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            if (text.matches("[+-]?[0-9]+")) {
                error(key, quote(raw.get()) + " is out of range (allowed: " + min + " to " + max + ")");
                return defaultValue;
            }
            error(key, quote(raw.get()) + " is not a whole number (allowed: " + min + " to " + max + ")");
            return defaultValue;
        }
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                error(key, quote(raw.get()) + " is not a boolean (allowed: true, false)");
                yield defaultValue;
            }
        };
    }

    /** One of a closed set of words; reports the allowed words (and the closest one) otherwise. */
    public <T> T choice(String key, T defaultValue, Map<String, T> allowed) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        T v = allowed.get(raw.get());
        if (v == null) {
            error(key, quote(raw.get()) + " is not allowed (allowed: " + String.join(", ", allowed.keySet()) + ")"
                    + Suggestions.didYouMean(raw.get(), allowed.keySet()));
            return defaultValue;
        }
        return v;
    }

    /** A nested mapping, if the key is present and is a mapping. */
    public Optional<ConfigNode> mapping(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        if (!(t.getValueNode() instanceof MappingNode)) {
            problemAt(t.getValueNode(), child(key), "must be a mapping (key: value pairs), got " + describe(t.getValueNode()));
            return Optional.empty();
        }
        return Optional.of(new ConfigNode(ctx, child(key), t.getValueNode()));
    }

    /** A list of mappings such as {@code pipelines:}. */
    public List<ConfigNode> mappingList(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        List<ConfigNode> out = new ArrayList<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            problemAt(t.getValueNode(), child(key), "must be a list, got " + describe(t.getValueNode()));
            return out;
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String itemPath = child(key) + "[" + i + "]";
            if (item instanceof MappingNode) {
                out.add(new ConfigNode(ctx, itemPath, item));
            } else {
                problemAt(item, itemPath, "must be a mapping, got " + describe(item));
            }
        }
        return out;
    }

    /** A list of strings; a single string is accepted as a list of one. */
    public Optional<List<String>> stringList(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        Node v = t.getValueNode();
        if (v instanceof ScalarNode s) {
            return Optional.of(List.of(expand(key, s.getValue())));
        }
        if (!(v instanceof SequenceNode seq)) {
            problemAt(v, child(key), "must be a list of strings, got " + describe(v));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            if (item instanceof ScalarNode s && !isNull(s)) {
                out.add(expand(key, s.getValue()));
            } else {
                problemAt(item, child(key) + "[" + i + "]", "must be a string, got " + describe(item));
            }
        }
        return Optional.of(out);
    }

    /** A flat mapping of string keys to scalar values, such as Kafka client {@code properties:}. */
    public Map<String, String> stringMap(String key) {
        return mapping(key).map(ConfigNode::scalars).orElseGet(LinkedHashMap::new);
    }

    /** This mapping as flat keys and scalar values (expanded), reporting values that are not scalars. */
    public Map<String, String> scalars() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : entries.keySet()) {
            read.add(k);
            scalar(k, "a scalar").map(v -> expand(k, v)).ifPresent(v -> out.put(k, v));
        }
        return out;
    }

    /** A value parsed by {@code parser}, which returns an error message (or null) through {@link Parsed}. */
    public <T> Optional<T> parsed(String key, Function<String, Parsed<T>> parser) {
        return string(key).flatMap(raw -> {
            Parsed<T> p = parser.apply(raw);
            if (p.error() != null) {
                error(key, quote(raw) + " " + p.error());
                return Optional.empty();
            }
            return Optional.of(p.value());
        });
    }

    /** The outcome of parsing one scalar: a value or a message saying why it is not allowed. */
    public record Parsed<T>(T value, String error) {
        public static <T> Parsed<T> ok(T value) {
            return new Parsed<>(value, null);
        }

        public static <T> Parsed<T> fail(String error) {
            return new Parsed<>(null, error);
        }
    }

    /**
     * Reports every key of this mapping that no accessor asked for: as unknown, with the key it probably means (here,
     * in another section, or Sluice's name for another tool's key), or with the keys known here, listed once per
     * section in a load. Keys of the tools Sluice replaces that have no meaning here get one warning each instead.
     * Call once, after reading.
     */
    public void finish() {
        Collection<String> known = new ArrayList<>(read);
        String section = KeyHints.section(path);
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            String key = e.getKey();
            if (read.contains(key)) {
                continue;
            }
            Node value = e.getValue().getValueNode();
            Optional<KeyHints.Ignored> ignored = KeyHints.ignored(section, key, modeOf(value));
            if (ignored.isPresent()) {
                if (ignored.get().fatal()) {
                    problemAt(value, child(key), ignored.get().message());
                } else if (!ignored.get().message().isEmpty() && ctx.given().add("warn:" + section + "." + key)) {
                    warnAt(e.getValue().getKeyNode(), child(key), ignored.get().message());
                }
                continue;
            }
            Optional<String> meant = KeyHints.elsewhere(section, key).or(() -> Suggestions.closest(key, known));
            String moved = translations(section, key, value);
            String message = "unknown key" + meant.map(m -> "; did you mean " + m + "?").orElse("") + moved;
            if (meant.isEmpty() && moved.isEmpty() && !known.isEmpty() && ctx.given().add("known:" + section)) {
                message += " (known here: " + String.join(", ", sorted(known)) + ")";
            }
            problemAt(e.getValue().getKeyNode(), child(key), message);
        }
    }

    /** For an unknown mapping (such as dlt's {@code kafka:} or {@code processing:}): where its keys go in Sluice. */
    private static String translations(String section, String key, Node value) {
        if (!(value instanceof MappingNode m)) {
            return "";
        }
        List<String> moved = new ArrayList<>();
        List<String> none = new ArrayList<>();
        String inner = section.isEmpty() ? key : section + "." + key;
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                KeyHints.elsewhere(inner, k.getValue()).ifPresentOrElse(
                        to -> moved.add(k.getValue() + " is " + to), () -> none.add(k.getValue()));
            }
        }
        if (moved.isEmpty()) {
            return "";
        }
        return " (in Sluice, " + String.join(", ", moved)
                + (none.isEmpty() ? "" : "; no Sluice key for " + String.join(", ", none)) + ")";
    }

    /** A key's scalar value, or for a mapping its {@code mode:} (dpone's {@code strategy: {mode: ...}}), or null. */
    private static String modeOf(Node value) {
        if (value instanceof ScalarNode s && !isNull(s)) {
            return s.getValue();
        }
        if (value instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("mode") && t.getValueNode() instanceof ScalarNode v) {
                    return v.getValue();
                }
            }
        }
        return null;
    }

    /**
     * Reports a warning about {@code key} of this mapping: the manifest loads, but the setting has no effect or
     * probably not the one meant. Says what to use instead.
     */
    public void warn(String key, String message) {
        NodeTuple t = entries.get(key);
        warnAt(t != null ? t.getKeyNode() : node, child(key), message);
    }

    /** Marks keys as known without reading them (they are read elsewhere or by another component). */
    public void accept(String... keys) {
        read.addAll(List.of(keys));
    }

    private Optional<String> scalar(String key, String expected) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        if (t.getValueNode() instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        problemAt(t.getValueNode(), child(key), "must be " + expected + ", got " + describe(t.getValueNode()));
        return Optional.empty();
    }

    private String expand(String key, String value) {
        return ctx.env().expand(value, var -> error(key, "environment variable " + var
                + " is not set (use ${" + var + ":-default} to give a default)"));
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void problemAt(Node at, String p, String message) {
        int line = at == null || at.getStartMark() == null ? 0 : at.getStartMark().getLine() + 1;
        ctx.problems().add(new Problem(ctx.file(), line, p, message));
    }

    private void warnAt(Node at, String p, String message) {
        int line = at == null || at.getStartMark() == null ? 0 : at.getStartMark().getLine() + 1;
        ctx.problems().warn(new Problem(ctx.file(), line, p, message));
    }

    static String quote(String raw) {
        return "\"" + raw + "\"";
    }

    private static List<String> sorted(Collection<String> c) {
        return c.stream().sorted().toList();
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return "\"" + ((ScalarNode) n).getValue() + "\"";
    }
}
