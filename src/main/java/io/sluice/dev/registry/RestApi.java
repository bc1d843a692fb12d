package io.sluice.dev.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Confluent Schema Registry REST API (the subset Sluice and its tests use) over a {@link SchemaStore}: routing,
 * request bodies, JSON answers in {@code application/vnd.schemaregistry.v1+json}, and errors as
 * {@code {"error_code": N, "message": "..."}}.
 */
final class RestApi implements HttpHandler {
    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Set<String> REQUEST_TYPES = Set.of(MEDIA_TYPE, "application/vnd.schemaregistry+json", "application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SchemaStore store;

    RestApi(SchemaStore store) {
        this.store = store;
    }

    /** An answer: a value written as JSON, or (for the {@code /schema} endpoints) raw text. */
    private record Response(int status, Object body, boolean raw) {
        static Response json(Object body) {
            return new Response(200, body, false);
        }

        static Response text(String body) {
            return new Response(200, body, true);
        }
    }

    /** A request's method, path segments (decoded), query parameters and body. */
    private record Request(String method, List<String> path, Map<String, String> query, byte[] body, String contentType) {
        boolean flag(String name) {
            return Boolean.parseBoolean(query.getOrDefault(name, "false"));
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Request request = new Request(exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                    segments(exchange.getRequestURI().getRawPath()), query(exchange.getRequestURI().getRawQuery()), body,
                    exchange.getRequestHeaders().getFirst("Content-Type"));
            response = route(request);
        } catch (RegistryException e) {
            response = error(e.status, e.errorCode, e.getMessage());
        } catch (RuntimeException | Error e) {
            // an Error too: a request must never be left without an answer (the client would wait for its timeout)
            System.err.println("schema registry: internal error on " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
            e.printStackTrace();
            response = error(500, 50001, "Internal Server Error: " + e);
        }
        send(exchange, response);
    }

    private Response route(Request r) {
        List<String> p = r.path();
        int n = p.size();
        if (n == 0) {
            allow(r, "GET");
            return Response.json(Map.of());
        }
        switch (p.get(0)) {
            case "schemas":
                return schemas(r, p, n);
            case "subjects":
                if (n >= 2) {
                    return subject(r, p.get(1), p.subList(2, n));
                }
                allow(r, "GET");
                return Response.json(store.subjects(r.flag("deleted")));
            case "config":
                if (n == 1) {
                    return globalConfig(r);
                }
                if (n == 2) {
                    return subjectConfig(r, p.get(1));
                }
                break;
            case "compatibility":
                if ((n == 4 || n == 5) && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    allow(r, "POST");
                    return compatibility(r, p.get(2), n == 5 ? p.get(4) : null);
                }
                break;
            case "mode":
                if (n <= 2) {
                    allow(r, "GET");
                    return Response.json(Map.of("mode", "READWRITE"));
                }
                break;
            default:
                break;
        }
        throw notFound();
    }

    private Response schemas(Request r, List<String> p, int n) {
        if (n == 2 && p.get(1).equals("types")) {
            allow(r, "GET");
            return Response.json(List.of("AVRO", "JSON", "PROTOBUF"));
        }
        if ((n == 3 || n == 4) && p.get(1).equals("ids")) {
            allow(r, "GET");
            int id = schemaId(p.get(2));
            if (n == 3) {
                StoredSchema s = store.schema(id);
                Map<String, Object> out = new LinkedHashMap<>();
                putTypeAndReferences(out, s);
                out.put("schema", s.schema());
                return Response.json(out);
            }
            switch (p.get(3)) {
                case "schema":
                    return Response.text(store.schema(id).schema());
                case "versions":
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (SchemaStore.SubjectVersion v : store.usages(id, r.flag("deleted"))) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("subject", v.subject());
                        m.put("version", v.version());
                        out.add(m);
                    }
                    return Response.json(out);
                default:
                    break;
            }
        }
        throw notFound();
    }

    private Response subject(Request r, String subject, List<String> rest) {
        boolean deleted = r.flag("deleted");
        if (rest.isEmpty()) {
            allow(r, "POST", "DELETE");
            if (r.method().equals("DELETE")) {
                return Response.json(store.deleteSubject(subject, r.flag("permanent")));
            }
            SchemaRequest s = schemaRequest(r);
            return Response.json(version(store.lookup(subject, s.type(), s.schema(), s.references(), deleted)));
        }
        if (!rest.get(0).equals("versions") || rest.size() > 3) {
            throw notFound();
        }
        if (rest.size() == 1) {
            allow(r, "GET", "POST");
            if (r.method().equals("GET")) {
                return Response.json(store.versions(subject, deleted));
            }
            SchemaRequest s = schemaRequest(r);
            return Response.json(Map.of("id", store.register(subject, s.type(), s.schema(), s.references())));
        }
        String version = rest.get(1);
        if (rest.size() == 2) {
            allow(r, "GET", "DELETE");
            if (r.method().equals("DELETE")) {
                return Response.json(store.deleteVersion(subject, version, r.flag("permanent")));
            }
            return Response.json(version(store.version(subject, version, deleted)));
        }
        switch (rest.get(2)) {
            case "schema":
                allow(r, "GET");
                return Response.text(store.version(subject, version, deleted).schema().schema());
            case "referencedby":
                allow(r, "GET");
                return Response.json(store.referencedBy(subject, version));
            default:
                throw notFound();
        }
    }

    private Response globalConfig(Request r) {
        allow(r, "GET", "PUT", "DELETE");
        switch (r.method()) {
            case "GET":
                return Response.json(Map.of("compatibilityLevel", store.globalLevel().name()));
            case "PUT":
                CompatibilityLevel level = levelOf(r);
                store.setGlobalLevel(level);
                return Response.json(Map.of("compatibility", level.name()));
            default:
                return Response.json(Map.of("compatibilityLevel", store.resetGlobalLevel().name()));
        }
    }

    private Response subjectConfig(Request r, String subject) {
        allow(r, "GET", "PUT", "DELETE");
        switch (r.method()) {
            case "GET":
                CompatibilityLevel level = store.subjectLevel(subject).orElseGet(() -> {
                    if (r.flag("defaultToGlobal")) {
                        return store.globalLevel();
                    }
                    throw SchemaStore.subjectLevelNotConfigured(subject);
                });
                return Response.json(Map.of("compatibilityLevel", level.name()));
            case "PUT":
                CompatibilityLevel l = levelOf(r);
                store.setSubjectLevel(subject, l);
                return Response.json(Map.of("compatibility", l.name()));
            default:
                return Response.json(Map.of("compatibilityLevel", store.deleteSubjectLevel(subject).name()));
        }
    }

    private Response compatibility(Request r, String subject, String version) {
        SchemaRequest s = schemaRequest(r);
        List<String> problems = store.incompatibilities(subject, version, s.type(), s.schema(), s.references());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("is_compatible", problems.isEmpty());
        if (r.flag("verbose")) {
            out.put("messages", problems);
        }
        return Response.json(out);
    }

    private static Map<String, Object> version(SchemaStore.SubjectVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", v.subject());
        out.put("version", v.version());
        out.put("id", v.schema().id());
        putTypeAndReferences(out, v.schema());
        out.put("schema", v.schema().schema());
        return out;
    }

    private static void putTypeAndReferences(Map<String, Object> out, StoredSchema s) {
        if (s.type() != SchemaType.AVRO) {
            out.put("schemaType", s.type().name());
        }
        if (!s.references().isEmpty()) {
            List<Map<String, Object>> refs = new ArrayList<>();
            for (Reference ref : s.references()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", ref.name());
                m.put("subject", ref.subject());
                m.put("version", ref.version());
                refs.add(m);
            }
            out.put("references", refs);
        }
    }

    // ---- request bodies

    private record SchemaRequest(String schema, SchemaType type, List<Reference> references) {}

    private static SchemaRequest schemaRequest(Request r) {
        JsonNode body = jsonBody(r);
        JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull()) {
            throw RegistryException.invalidSchema("Invalid schema: the request has no \"schema\"");
        }
        if (!schema.isTextual()) {
            throw RegistryException.invalidSchema("Invalid schema: \"schema\" must be a string holding the schema (got " + schema.getNodeType() + ")");
        }
        JsonNode typeNode = body.get("schemaType");
        String typeName = typeNode == null || typeNode.isNull() ? null : typeNode.asText();
        SchemaType type = SchemaType.parse(typeName).orElseThrow(() -> RegistryException.invalidSchema(
                "Invalid schema type '" + typeName + "' (known: AVRO, JSON, PROTOBUF)"));
        List<Reference> refs = new ArrayList<>();
        JsonNode refNodes = body.get("references");
        if (refNodes != null && !refNodes.isNull()) {
            if (!refNodes.isArray()) {
                throw RegistryException.invalidSchema("Invalid schema: \"references\" must be an array");
            }
            for (JsonNode ref : refNodes) {
                JsonNode version = ref.get("version");
                if (version != null && !version.isNull() && !version.canConvertToInt()) {
                    throw RegistryException.invalidSchema("Invalid schema: reference " + ref + " has a version that is not a number");
                }
                refs.add(new Reference(ref.path("name").asText(null), ref.path("subject").asText(null),
                        version == null || version.isNull() ? -1 : version.asInt()));
            }
        }
        return new SchemaRequest(schema.asText(), type, refs);
    }

    private static CompatibilityLevel levelOf(Request r) {
        JsonNode level = jsonBody(r).get("compatibility");
        String name = level == null || level.isNull() ? null : level.asText();
        return CompatibilityLevel.parse(name).orElseThrow(() -> RegistryException.invalidCompatibilityLevel(name));
    }

    private static JsonNode jsonBody(Request r) {
        if (r.contentType() != null) {
            String type = r.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!type.isEmpty() && !REQUEST_TYPES.contains(type)) {
                throw new RegistryException(415, 415, "HTTP 415 Unsupported Media Type: " + r.contentType() + " (use " + MEDIA_TYPE + ")");
            }
        }
        try {
            JsonNode body = MAPPER.readTree(r.body());
            if (body == null || !body.isObject()) {
                throw new RegistryException(422, 422, "Unrecognizable request body: expected a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new RegistryException(422, 422, "Unrecognizable request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RegistryException(422, 422, "Unreadable request body: " + e.getMessage());
        }
    }

    // ---- HTTP plumbing

    private static void allow(Request r, String... methods) {
        for (String m : methods) {
            if (m.equals(r.method())) {
                return;
            }
        }
        throw new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
    }

    private static RegistryException notFound() {
        return new RegistryException(404, 404, "HTTP 404 Not Found");
    }

    private static int schemaId(String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("Schema " + segment + " not found");
        }
    }

    private static Response error(int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        return new Response(status, body, false);
    }

    private static void send(HttpExchange exchange, Response r) throws IOException {
        byte[] bytes = r.raw() ? ((String) r.body()).getBytes(StandardCharsets.UTF_8) : MAPPER.writeValueAsBytes(r.body());
        exchange.getResponseHeaders().set("Content-Type", MEDIA_TYPE);
        exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Path segments, percent-decoded one by one, so a subject may contain an encoded "/". */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : (rawPath == null ? "" : rawPath).split("/")) {
            if (!s.isEmpty()) {
                out.add(decode(s));
            }
        }
        return out;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                out.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(404, 404, "HTTP 404 Not Found: malformed path or query " + s);
        }
    }
}
