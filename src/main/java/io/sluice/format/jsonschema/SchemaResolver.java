package io.sluice.format.jsonschema;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.format.jsonschema.Shape.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a schema one level at a time into a {@link Shape}: follows {@code $ref}s (inside a document, to other
 * documents by name or {@code $id}), reads type lists, {@code enum}, {@code const} and the combinators. Tracks the
 * schemas on the path being compiled, so that a schema reached again through a {@code $ref} (recursion) resolves
 * to JSON text instead of an infinite type.
 */
final class SchemaResolver {
    /** The shape and the schemas passed through to reach it, which stay "open" while its children compile. */
    record Resolved(Shape shape, List<JsonNode> via) {}

    /** Loads a document a {@code $ref} names that is not among the known ones, or returns null. */
    interface Loader {
        SchemaDocument load(String name) throws SchemaException;
    }

    private static final int MAX_STEPS = 50_000;
    private static final Set<String> STRUCTURE = Set.of("type", "properties", "additionalProperties", "patternProperties",
            "items", "prefixItems", "$ref", "enum", "const", "allOf", "oneOf", "anyOf");

    private final Map<String, SchemaDocument> documents = new LinkedHashMap<>();
    private final Loader loader;
    private final IdentityHashMap<JsonNode, Integer> open = new IdentityHashMap<>();
    private int steps;

    SchemaResolver(List<SchemaDocument> referenced, Loader loader) {
        this.loader = loader;
        referenced.forEach(this::add);
    }

    private void add(SchemaDocument d) {
        documents.putIfAbsent(d.name(), d);
        if (d.id() != null) {
            documents.putIfAbsent(d.id().toString(), d);
        }
    }

    /** Marks the schemas a shape was reached through as open while its children compile. */
    void enter(List<JsonNode> via) {
        via.forEach(n -> open.merge(n, 1, Integer::sum));
    }

    void exit(List<JsonNode> via) {
        via.forEach(n -> open.computeIfPresent(n, (k, c) -> c == 1 ? null : c - 1));
    }

    Resolved resolve(Located s) throws SchemaException {
        if (++steps > MAX_STEPS) {
            throw new SchemaException("the schema expands to more than " + MAX_STEPS + " subschemas; Sluice does not read it");
        }
        JsonNode n = s.node();
        if (n.isBoolean()) {
            return new Resolved(n.booleanValue() ? Shape.JSON : Shape.NONE, List.of());
        }
        if (!n.isObject()) {
            throw new SchemaException(s.where() + ": a schema must be an object or a boolean, not " + n.getNodeType().name().toLowerCase());
        }
        if (open.containsKey(n)) {
            return new Resolved(Shape.JSON, List.of()); // recursion: no finite column type
        }
        open.put(n, 1);
        try {
            Resolved r = resolveObject(s);
            List<JsonNode> via = new ArrayList<>(r.via().size() + 1);
            via.add(n);
            via.addAll(r.via());
            return new Resolved(r.shape(), via);
        } finally {
            open.remove(n);
        }
    }

    private Resolved resolveObject(Located s) throws SchemaException {
        JsonNode n = s.node();
        JsonNode ref = n.get("$ref");
        if (ref != null) {
            if (!ref.isTextual()) {
                throw new SchemaException(s.where() + ": $ref must be a string");
            }
            return resolve(follow(ref.textValue(), s));
        }
        for (String combinator : List.of("oneOf", "anyOf")) {
            if (n.has(combinator)) {
                Resolved r = union(s, combinator);
                if (r != null) {
                    return r;
                }
            }
        }
        if (n.has("allOf")) {
            Resolved r = allOf(s);
            if (r != null) {
                return r;
            }
        }
        return new Resolved(typed(s), List.of());
    }

    /** {@code oneOf}/{@code anyOf}: null if it only constrains; a nullable single schema; else JSON. */
    private Resolved union(Located s, String combinator) throws SchemaException {
        List<Located> members = members(s, combinator);
        if (members.isEmpty()) {
            return null;
        }
        List<Located> valued = new ArrayList<>();
        for (Located m : members) {
            if (!isNull(m.node())) {
                valued.add(m);
            }
        }
        if (valued.size() == 1 && !ownStructure(s.node())) {
            return resolve(valued.get(0));
        }
        if (valued.isEmpty() && !ownStructure(s.node())) {
            return new Resolved(Shape.NONE, List.of());
        }
        return new Resolved(Shape.JSON, List.of());
    }

    /** {@code allOf}: the one schema it names, objects merged property by property, or JSON. */
    private Resolved allOf(Located s) throws SchemaException {
        List<Located> members = members(s, "allOf");
        if (members.isEmpty()) {
            return null;
        }
        List<Resolved> parts = new ArrayList<>();
        if (ownStructure(s.node())) {
            parts.add(new Resolved(typed(s), List.of()));
        }
        for (Located m : members) {
            parts.add(resolve(m));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Map<String, Shape.Property> properties = new LinkedHashMap<>();
        Located additional = null;
        boolean closed = true;
        List<JsonNode> via = new ArrayList<>();
        Shape first = parts.get(0).shape();
        boolean same = true;
        boolean objects = true;
        for (Resolved r : parts) {
            same &= r.shape().equals(first);
            if (r.shape() instanceof Shape.Obj o) {
                o.properties().forEach(p -> properties.putIfAbsent(p.name(), p));
                additional = additional == null ? o.additional() : additional;
                closed &= o.closed();
                via.addAll(r.via());
            } else {
                objects = false;
            }
        }
        if (objects) {
            return new Resolved(new Shape.Obj(List.copyOf(properties.values()), additional, closed && additional == null), via);
        }
        return new Resolved(same && first instanceof Shape.Scalar ? first : Shape.JSON, List.of());
    }

    /** Members that describe structure; ones that only add constraints (required, minimum...) are left out. */
    private static List<Located> members(Located s, String combinator) throws SchemaException {
        JsonNode list = s.node().get(combinator);
        if (!list.isArray()) {
            throw new SchemaException(s.where() + ": " + combinator + " must be an array of schemas");
        }
        List<Located> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            if (m.isBoolean() || !m.isObject() || hasAny(m, STRUCTURE)) {
                out.add(s.child(m, combinator, Integer.toString(i)));
            }
        }
        return out;
    }

    private static boolean ownStructure(JsonNode n) {
        return n.has("type") || n.has("properties") || n.has("items") || n.has("enum") || n.has("const");
    }

    private static boolean isNull(JsonNode m) {
        JsonNode type = m.get("type");
        return m.isObject() && m.size() >= 1 && (type != null && type.isTextual() && type.textValue().equals("null")
                || m.has("const") && m.get("const").isNull() && !m.has("type"));
    }

    private static boolean hasAny(JsonNode n, Set<String> keys) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            if (keys.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    /** The shape of {@code type} (a name or a list of names), or of the keywords present when there is none. */
    private Shape typed(Located s) throws SchemaException {
        JsonNode n = s.node();
        JsonNode type = n.get("type");
        if (type == null) {
            if (n.has("properties") || n.has("additionalProperties") || n.has("patternProperties")) {
                return object(s);
            }
            if (n.has("items") || n.has("prefixItems")) {
                return array(s);
            }
            if (n.has("enum")) {
                return ofValues(s, n.get("enum"));
            }
            if (n.has("const")) {
                return ofValues(s, List.of(n.get("const")));
            }
            return Shape.JSON;
        }
        List<String> names = new ArrayList<>();
        if (type.isTextual()) {
            names.add(type.textValue());
        } else if (type.isArray()) {
            for (JsonNode t : type) {
                if (!t.isTextual()) {
                    throw new SchemaException(s.where() + ": type must be a name or a list of names, not " + type);
                }
                if (!t.textValue().equals("null")) {
                    names.add(t.textValue());
                }
            }
            if (names.isEmpty()) {
                return Shape.NONE;
            }
        } else {
            throw new SchemaException(s.where() + ": type must be a name or a list of names, not " + type);
        }
        if (names.size() == 2 && names.contains("integer") && names.contains("number")) {
            return new Shape.Scalar(Kind.DOUBLE);
        }
        if (names.size() > 1) {
            for (String t : names) {
                check(s, t);
            }
            return Shape.JSON;
        }
        String t = names.get(0);
        check(s, t);
        return switch (t) {
            case "string" -> new Shape.Scalar(string(n));
            case "integer" -> new Shape.Scalar(connectType(n, "int8", "int16", "int32") ? Kind.INTEGER : Kind.BIGINT);
            case "number" -> new Shape.Scalar(connectType(n, "float32") ? Kind.FLOAT : Kind.DOUBLE);
            case "boolean" -> new Shape.Scalar(Kind.BOOLEAN);
            case "object" -> object(s);
            case "array" -> array(s);
            default -> Shape.NONE; // "null"
        };
    }

    private static void check(Located s, String t) throws SchemaException {
        if (!List.of("string", "integer", "number", "boolean", "object", "array", "null").contains(t)) {
            throw new SchemaException(s.where() + ": unknown type \"" + t + "\" (known: string, integer, number, boolean,"
                    + " object, array, null)");
        }
    }

    private static Kind string(JsonNode n) {
        String format = n.path("format").asText("");
        switch (format) {
            case "date-time" -> {
                return Kind.TIMESTAMP;
            }
            case "date" -> {
                return Kind.DATE;
            }
            case "time" -> {
                return Kind.TIME;
            }
            case "uuid" -> {
                return Kind.UUID;
            }
            default -> {
                return n.path("contentEncoding").asText("").equalsIgnoreCase("base64") || connectType(n, "bytes")
                        ? Kind.BYTES : Kind.STRING;
            }
        }
    }

    /** Confluent's JSON Schema converter records the Kafka Connect type; narrower integers and floats keep it. */
    private static boolean connectType(JsonNode n, String... types) {
        String t = n.path("connect.type").asText("");
        return List.of(types).contains(t);
    }

    private Shape object(Located s) throws SchemaException {
        JsonNode n = s.node();
        List<Shape.Property> properties = new ArrayList<>();
        JsonNode props = n.get("properties");
        if (props != null) {
            if (!props.isObject()) {
                throw new SchemaException(s.where() + ": properties must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                properties.add(new Shape.Property(e.getKey(), s.child(e.getValue(), "properties", e.getKey())));
            }
        }
        JsonNode extra = n.get("additionalProperties");
        boolean closed = extra != null && extra.isBoolean() && !extra.booleanValue() && !n.has("patternProperties");
        Located additional = extra != null && extra.isObject() && hasAny(extra, STRUCTURE)
                ? s.child(extra, "additionalProperties") : null;
        return new Shape.Obj(properties, additional, closed);
    }

    private static Shape array(Located s) {
        JsonNode n = s.node();
        JsonNode items = n.get("items");
        if (n.has("prefixItems") || items == null || items.isArray() || items.isBoolean()
                || items.isObject() && !hasAny(items, STRUCTURE)) {
            return Shape.JSON; // tuples and arrays of anything
        }
        return new Shape.Array(s.child(items, "items"));
    }

    /** The shape of {@code enum} or {@code const} values: one JSON type (null aside), else JSON. */
    private static Shape ofValues(Located s, Iterable<JsonNode> values) throws SchemaException {
        if (values instanceof JsonNode node && !node.isArray()) {
            throw new SchemaException(s.where() + ": enum must be an array");
        }
        Kind kind = null;
        boolean any = false;
        for (JsonNode v : values) {
            if (v.isNull()) {
                continue;
            }
            Kind k = v.isTextual() ? Kind.STRING : v.isIntegralNumber() ? Kind.BIGINT : v.isNumber() ? Kind.DOUBLE
                    : v.isBoolean() ? Kind.BOOLEAN : null;
            if (k == null) {
                return Shape.JSON;
            }
            if (any && k != kind) {
                boolean numbers = (k == Kind.BIGINT || k == Kind.DOUBLE) && (kind == Kind.BIGINT || kind == Kind.DOUBLE);
                if (!numbers) {
                    return Shape.JSON;
                }
                k = Kind.DOUBLE;
            }
            kind = k;
            any = true;
        }
        return kind == null ? Shape.NONE : new Shape.Scalar(kind);
    }

    /** The schema a {@code $ref} points to. */
    private Located follow(String ref, Located from) throws SchemaException {
        int hash = ref.indexOf('#');
        String base = hash < 0 ? ref : ref.substring(0, hash);
        String fragment = hash < 0 ? "" : ref.substring(hash + 1);
        SchemaDocument doc = base.isEmpty() ? from.doc() : document(base, from);
        if (fragment.isEmpty()) {
            return doc.located();
        }
        if (!fragment.startsWith("/")) {
            throw new SchemaException(from.where() + ": $ref \"" + ref + "\" uses an anchor; Sluice follows only JSON pointers"
                    + " (#/definitions/...) and schema names");
        }
        String pointer = percentDecode(fragment);
        JsonNode target;
        try {
            target = doc.root().at(pointer);
        } catch (IllegalArgumentException e) {
            throw new SchemaException(from.where() + ": $ref \"" + ref + "\" is not a valid JSON pointer: " + e.getMessage());
        }
        if (target.isMissingNode()) {
            throw new SchemaException(from.where() + ": $ref \"" + ref + "\" points to nothing in " + doc.name());
        }
        return new Located(target, doc, pointer);
    }

    private SchemaDocument document(String base, Located from) throws SchemaException {
        SchemaDocument d = documents.get(base);
        if (d == null && from.doc().id() != null) {
            try {
                d = documents.get(from.doc().id().resolve(new URI(base)).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                d = null;
            }
        }
        if (d == null && loader != null) {
            d = loader.load(base);
            if (d != null) {
                add(d);
                documents.put(base, d);
            }
        }
        if (d == null) {
            List<String> known = documents.values().stream().map(SchemaDocument::name).distinct().toList();
            throw new SchemaException(from.where() + ": $ref \"" + base + "\" names no known schema"
                    + (known.isEmpty() ? " (the schema has no references)" : " (references: " + String.join(", ", known) + ")"));
        }
        return d;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
