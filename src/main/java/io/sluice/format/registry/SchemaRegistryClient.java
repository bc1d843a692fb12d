package io.sluice.format.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.manifest.RegistrySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client for the Confluent Schema Registry REST API (also served by Redpanda, Karapace and Apicurio's
 * compatibility layer). Schemas by id are immutable, so they are fetched once and cached. Connection failures,
 * 5xx and 429 answers are retried with doubling backoff; then a {@link RegistryException} names the registry
 * and what was asked. Thread-safe.
 */
public final class SchemaRegistryClient {
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9,"
            + " application/json; qs=0.5";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySpec spec;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final LongConsumer sleeper;
    private final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> byVersion = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistrySpec spec) {
        this(spec, SchemaRegistryClient::sleep);
    }

    SchemaRegistryClient(RegistrySpec spec, LongConsumer sleeper) {
        this.spec = spec;
        this.sleeper = sleeper;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(spec.timeout()).followRedirects(HttpClient.Redirect.NORMAL);
        spec.caFile().ifPresent(ca -> b.sslContext(trusting(ca)));
        this.http = b.build();
        if (spec.bearerToken().isPresent()) {
            authorization = Optional.of("Bearer " + spec.bearerToken().get().reveal());
        } else if (spec.username().isPresent()) {
            String pair = spec.username().get() + ":" + spec.password().map(p -> p.reveal()).orElse("");
            authorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            authorization = Optional.empty();
        }
    }

    public String describe() {
        return spec.describe();
    }

    /** The schema with this global id ({@code GET /schemas/ids/{id}}); cached for the client's life. */
    public RegisteredSchema schemaById(int id) {
        RegisteredSchema s = byId.get(id);
        if (s == null) {
            JsonNode n = get("/schemas/ids/" + id, "schema id " + id);
            s = schema(id, n);
            byId.put(id, s);
        }
        return s;
    }

    /** A subject's version, or its latest with {@code "latest"} ({@code GET /subjects/{s}/versions/{v}}). */
    public RegisteredSchema schemaByVersion(String subject, String version) {
        String key = subject + "\u0000" + version;
        RegisteredSchema cached = byVersion.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode n = get("/subjects/" + segment(subject) + "/versions/" + segment(version),
                "subject " + subject + " version " + version);
        RegisteredSchema s = schema(n.path("id").asInt(), n);
        if (!version.equals("latest")) {
            byVersion.put(key, s);
        }
        byId.putIfAbsent(s.id(), s);
        return s;
    }

    /** The subjects and versions a schema id is registered under ({@code GET /schemas/ids/{id}/versions}). */
    public List<String> subjectsOf(int id) {
        JsonNode n = get("/schemas/ids/" + id + "/versions", "the subjects of schema id " + id);
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.path("subject").asText() + " v" + v.path("version").asInt()));
        return out;
    }

    /**
     * The name Confluent's record-based subject name strategies use: the Avro record's full name, the first
     * Protobuf message's full name, the JSON Schema's {@code title}; empty when the schema has none.
     */
    public java.util.Optional<String> recordName(RegisteredSchema schema) {
        try {
            return switch (schema.type()) {
                case AVRO -> {
                    org.apache.avro.Schema.Parser parser = new org.apache.avro.Schema.Parser();
                    for (String ref : referencedSchemas(schema).values()) {
                        parser.parse(ref);
                    }
                    org.apache.avro.Schema s = parser.parse(schema.text());
                    yield s.getType() == org.apache.avro.Schema.Type.RECORD ? java.util.Optional.of(s.getFullName())
                            : java.util.Optional.empty();
                }
                case PROTOBUF -> {
                    var refs = referencedSchemas(schema);
                    var file = io.sluice.format.protobuf.ProtoSchemas.fromProtoText("schema-" + schema.id() + ".proto", schema.text(),
                            name -> java.util.Optional.ofNullable(refs.get(name)));
                    yield file.getMessageTypes().isEmpty() ? java.util.Optional.empty()
                            : java.util.Optional.of(file.getMessageTypes().get(0).getFullName());
                }
                case JSON -> java.util.Optional.ofNullable(JSON.readTree(schema.text()).path("title").textValue());
            };
        } catch (IOException | io.sluice.format.protobuf.ProtoSchemaException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether a registry answers {@code GET /subjects}: one attempt per URL, whatever the retries configured. */
    public boolean answers() {
        try {
            new SchemaRegistryClient(spec.withRetries(0), sleeper).send("GET", "/subjects", null, "the subject list");
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }

    /** The subject's version numbers, or empty when the subject does not exist. */
    public List<Integer> versions(String subject) {
        try {
            JsonNode n = get("/subjects/" + segment(subject) + "/versions", "versions of subject " + subject);
            List<Integer> out = new ArrayList<>();
            n.forEach(v -> out.add(v.asInt()));
            return out;
        } catch (RegistryException e) {
            if (e.errorCode() == 40401) {
                return List.of();
            }
            throw e;
        }
    }

    /**
     * Registers a schema under a subject ({@code POST /subjects/{s}/versions}) and returns its global id; an
     * already registered schema returns its existing id.
     */
    public int register(String subject, SchemaType type, String schema, List<SchemaReference> references) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema);
        if (type != SchemaType.AVRO) {
            body.put("schemaType", type.name());
        }
        if (!references.isEmpty()) {
            ArrayNode refs = body.putArray("references");
            for (SchemaReference r : references) {
                refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
            }
        }
        JsonNode n = send("POST", "/subjects/" + segment(subject) + "/versions", body.toString(),
                "registering a schema under subject " + subject);
        int id = n.path("id").asInt(-1);
        if (id < 0) {
            throw new RegistryException("schema registry " + describe() + " answered registering under subject " + subject
                    + " without an id: " + n, 200, -1, null);
        }
        byId.putIfAbsent(id, new RegisteredSchema(id, type, schema, references));
        return id;
    }

    /**
     * The texts of every schema {@code schema} references, directly or through other references, by reference
     * name, dependencies before the schemas that use them.
     */
    public LinkedHashMap<String, String> referencedSchemas(RegisteredSchema schema) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        collect(schema, out, new ArrayList<>());
        return out;
    }

    private void collect(RegisteredSchema schema, LinkedHashMap<String, String> out, List<String> path) {
        for (SchemaReference r : schema.references()) {
            if (out.containsKey(r.name())) {
                continue;
            }
            if (path.contains(r.name())) {
                throw new RegistryException("schema registry " + describe() + ": schema references form a cycle: "
                        + String.join(" -> ", path) + " -> " + r.name(), 200, -1, null);
            }
            RegisteredSchema ref = schemaByVersion(r.subject(), Integer.toString(r.version()));
            path.add(r.name());
            collect(ref, out, path);
            path.remove(path.size() - 1);
            out.put(r.name(), ref.text());
        }
    }

    private static RegisteredSchema schema(int id, JsonNode n) {
        String type = n.path("schemaType").asText("AVRO");
        SchemaType t;
        try {
            t = SchemaType.valueOf(type.isEmpty() ? "AVRO" : type);
        } catch (IllegalArgumentException e) {
            throw new RegistryException("schema id " + id + " has schemaType " + type + ", which Sluice does not read"
                    + " (AVRO, PROTOBUF, JSON)", 200, -1, null);
        }
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode r : n.path("references")) {
            refs.add(new SchemaReference(r.path("name").asText(), r.path("subject").asText(), r.path("version").asInt()));
        }
        return new RegisteredSchema(id, t, n.path("schema").asText(), refs);
    }

    private JsonNode get(String path, String what) {
        return send("GET", path, null, what);
    }

    private JsonNode send(String method, String path, String body, String what) {
        int attempts = spec.retries() + 1;
        long backoff = FIRST_BACKOFF.toMillis();
        String lastProblem = "";
        Exception lastCause = null;
        int lastStatus = -1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            for (URI base : spec.urls()) {
                URI uri = URI.create(strip(base.toString()) + path);
                HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(spec.timeout()).header("Accept", ACCEPT);
                authorization.ifPresent(a -> rb.header("Authorization", a));
                if (body != null) {
                    rb.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
                } else {
                    rb.method(method, HttpRequest.BodyPublishers.noBody());
                }
                try {
                    HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    int status = r.statusCode();
                    if (status / 100 == 2) {
                        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
                    }
                    JsonNode err = parseError(r.body());
                    int code = err.path("error_code").asInt(-1);
                    String message = err.path("message").asText(r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
                    if (status >= 500 || status == 429) {
                        lastStatus = status;
                        lastProblem = "HTTP " + status + (code > 0 ? " error " + code : "") + ": " + message;
                        lastCause = null;
                        continue;
                    }
                    String hint = status == 401 || status == 403
                            ? " (check schema_registry_username/password or schema_registry_token)" : "";
                    throw new RegistryException("schema registry " + base + " refused " + what + ": HTTP " + status
                            + (code > 0 ? " error " + code : "") + ": " + message + hint, status, code, null);
                } catch (IOException e) {
                    lastStatus = -1;
                    lastCause = e;
                    lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException("interrupted while asking schema registry " + base + " for " + what, -1, -1, e);
                }
            }
            if (attempt < attempts) {
                sleeper.accept(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
        throw new RegistryException("schema registry " + describe() + " is unavailable for " + what + " after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + ": " + lastProblem, lastStatus, -1, lastCause);
    }

    private static JsonNode parseError(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String strip(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext trusting(java.nio.file.Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("schema_registry_ca " + caFile + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read schema_registry_ca " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
