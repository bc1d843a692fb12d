package io.sluice.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over real HTTP, checked against the Confluent API's documented answers and error codes. */
class DevSchemaRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String USER_V1 = """
            {"type": "record", "name": "User", "namespace": "io.sluice.test",
             "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}]}""";
    private static final String USER_V1_COMPACT =
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.sluice.test\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"name\",\"type\":\"string\"}]}";
    /** v1 plus an optional field with a default: BACKWARD and FORWARD compatible. */
    private static final String USER_V2_OPTIONAL = """
            {"type": "record", "name": "User", "namespace": "io.sluice.test",
             "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"},
                        {"name": "email", "type": ["null", "string"], "default": null}]}""";
    /** v1 plus a required field without default: not BACKWARD compatible (cannot read v1 data), but FORWARD compatible. */
    private static final String USER_V2_REQUIRED = """
            {"type": "record", "name": "User", "namespace": "io.sluice.test",
             "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}""";
    /** v1 without name: BACKWARD compatible, not FORWARD compatible (v1 readers need name, which has no default). */
    private static final String USER_WITHOUT_NAME = """
            {"type": "record", "name": "User", "namespace": "io.sluice.test", "fields": [{"name": "id", "type": "long"}]}""";

    @TempDir
    Path dir;

    private DevSchemaRegistry registry;
    private HttpClient http;

    @BeforeEach
    void start() {
        registry = DevSchemaRegistry.start(dir, 0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    // ---- registration and reads

    @Test
    void registeredSchemaIsFoundByIdByVersionAndAsLatest() {
        int id = register("users-value", USER_V1);

        Reply byId = get("/schemas/ids/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.contentType()).isEqualTo(MEDIA_TYPE);
        assertThat(byId.json().get("schema").asText()).isEqualTo(USER_V1_COMPACT);
        assertThat(byId.json().has("schemaType")).as("omitted for AVRO").isFalse();
        assertThat(byId.json().has("references")).as("omitted when empty").isFalse();

        for (String version : List.of("1", "latest", "-1")) {
            Reply v = get("/subjects/users-value/versions/" + version);
            assertThat(v.status()).as(version).isEqualTo(200);
            assertThat(v.json().get("subject").asText()).isEqualTo("users-value");
            assertThat(v.json().get("version").asInt()).isEqualTo(1);
            assertThat(v.json().get("id").asInt()).isEqualTo(id);
            assertThat(v.json().get("schema").asText()).isEqualTo(USER_V1_COMPACT);
        }
        assertThat(get("/subjects/users-value/versions/1/schema").body()).isEqualTo(USER_V1_COMPACT);
        assertThat(get("/schemas/ids/" + id + "/schema").body()).isEqualTo(USER_V1_COMPACT);
        assertThat(get("/subjects").json().toString()).isEqualTo("[\"users-value\"]");
        assertThat(get("/subjects/users-value/versions").json().toString()).isEqualTo("[1]");
        assertThat(get("/schemas/ids/" + id + "/versions").json().toString())
                .isEqualTo("[{\"subject\":\"users-value\",\"version\":1}]");
    }

    @Test
    void theSameSchemaGetsTheSameIdUnderEverySubjectAndReRegisteringReturnsTheExistingId() {
        int id = register("a-value", USER_V1);
        int again = register("a-value", USER_V1_COMPACT);
        int other = register("b-value", USER_V1);
        int different = register("c-value", "\"string\"");

        assertThat(again).as("idempotent, whitespace does not matter").isEqualTo(id);
        assertThat(other).isEqualTo(id);
        assertThat(different).isNotEqualTo(id);
        assertThat(get("/subjects/a-value/versions").json().toString()).as("no second version").isEqualTo("[1]");
        assertThat(get("/schemas/ids/" + id + "/versions").json().toString())
                .isEqualTo("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]");
        // a new version of a subject gets a new id and version 2
        int v2 = register("a-value", USER_V2_OPTIONAL);
        assertThat(v2).isGreaterThan(different);
        assertThat(get("/subjects/a-value/versions/latest").json().get("version").asInt()).isEqualTo(2);
    }

    @Test
    void lookupTellsWhetherASchemaIsRegisteredUnderASubject() {
        int id = register("users-value", USER_V1);
        register("users-value", USER_V2_OPTIONAL);

        Reply found = post("/subjects/users-value", schemaBody(USER_V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("subject").asText()).isEqualTo("users-value");
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertThat(found.json().get("id").asInt()).isEqualTo(id);
        assertThat(found.json().get("schema").asText()).isEqualTo(USER_V1_COMPACT);

        assertError(post("/subjects/users-value", schemaBody(USER_WITHOUT_NAME)), 404, 40403, "Schema not found");
        assertError(post("/subjects/nobody-value", schemaBody(USER_V1)), 404, 40401, "Subject 'nobody-value' not found.");
    }

    @Test
    void jsonAndProtobufSchemasCarryTheirTypeAndAreOnlyCheckedMinimally() {
        int json = register("j-value", "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}}", "JSON");
        Reply j = get("/schemas/ids/" + json);
        assertThat(j.json().get("schemaType").asText()).isEqualTo("JSON");
        assertThat(j.json().get("schema").asText()).isEqualTo("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
        assertError(post("/subjects/j-value/versions", body(Map.of("schema", "{not json", "schemaType", "JSON"))), 422, 42201, "JSON");

        String proto = "syntax = \"proto3\";\nmessage Reading { double value = 1; }\n";
        int p1 = register("p-value", proto, "PROTOBUF");
        // not checked: a change that a real registry would reject is accepted (documented limit)
        int p2 = register("p-value", "syntax = \"proto3\";\nmessage Reading { string value = 1; }\n", "PROTOBUF");
        assertThat(p2).isNotEqualTo(p1);
        Reply p = get("/subjects/p-value/versions/1");
        assertThat(p.json().get("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(p.json().get("schema").asText()).isEqualTo(proto);
        assertError(post("/subjects/p-value/versions", body(Map.of("schema", " ", "schemaType", "PROTOBUF"))), 422, 42201, "empty");
        assertError(post("/subjects/p-value/versions", body(Map.of("schema", proto, "schemaType", "XML"))), 422, 42201, "XML");
        assertThat(get("/schemas/types").json().toString()).isEqualTo("[\"AVRO\",\"JSON\",\"PROTOBUF\"]");
    }

    // ---- compatibility

    @Test
    void backwardAcceptsAnOptionalFieldAndRejectsARequiredOneNamingIt() {
        int v1 = register("users-value", USER_V1);
        int v2 = register("users-value", USER_V2_OPTIONAL);
        assertThat(v2).isNotEqualTo(v1);

        Reply rejected = post("/subjects/users-value/versions", schemaBody(USER_V2_REQUIRED));
        assertError(rejected, 409, 409, "incompatible with an earlier schema for subject \"users-value\"");
        assertThat(rejected.json().get("message").asText()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("age")
                .contains("BACKWARD");
        assertThat(get("/subjects/users-value/versions").json().toString()).isEqualTo("[1, 2]".replace(" ", ""));
    }

    @Test
    void compatibilityEndpointAnswersWithAndWithoutMessages() {
        register("users-value", USER_V1);

        Reply ok = post("/compatibility/subjects/users-value/versions/latest", schemaBody(USER_V2_OPTIONAL));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().toString()).isEqualTo("{\"is_compatible\":true}");

        Reply bad = post("/compatibility/subjects/users-value/versions/1?verbose=true", schemaBody(USER_V2_REQUIRED));
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(bad.json().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("age");

        Reply all = post("/compatibility/subjects/users-value/versions", schemaBody(USER_V2_REQUIRED));
        assertThat(all.json().toString()).isEqualTo("{\"is_compatible\":false}");
        Reply none = post("/compatibility/subjects/new-value/versions?verbose=true", schemaBody(USER_V2_REQUIRED));
        assertThat(none.json().toString()).as("nothing to be incompatible with").isEqualTo("{\"is_compatible\":true,\"messages\":[]}");

        assertError(post("/compatibility/subjects/new-value/versions/latest", schemaBody(USER_V1)), 404, 40401, "new-value");
        assertError(post("/compatibility/subjects/users-value/versions/7", schemaBody(USER_V1)), 404, 40402, "Version 7 not found");
        assertError(post("/compatibility/subjects/users-value/versions/zero", schemaBody(USER_V1)), 422, 42202, "'zero'");
    }

    @Test
    void forwardAndFullAndTransitiveLevelsCheckTheRightDirectionsAndVersions() {
        put("/config/fwd-value", Map.of("compatibility", "FORWARD"));
        register("fwd-value", USER_V1);
        assertError(post("/subjects/fwd-value/versions", schemaBody(USER_WITHOUT_NAME)), 409, 409, "FORWARD");
        register("fwd-value", USER_V2_REQUIRED); // old readers ignore the new field

        put("/config/full-value", Map.of("compatibility", "FULL"));
        register("full-value", USER_V1);
        assertError(post("/subjects/full-value/versions", schemaBody(USER_V2_REQUIRED)), 409, 409, "FULL");
        assertError(post("/subjects/full-value/versions", schemaBody(USER_WITHOUT_NAME)), 409, 409, "FULL");
        register("full-value", USER_V2_OPTIONAL);

        // v1 {id, name: string} -> v2 {id} -> v3 {id, name: int = 0}: v3 reads v2 data (name defaults) but not v1 data
        // (name is a string there); BACKWARD looks at v2 only, BACKWARD_TRANSITIVE at v1 too
        String idOnlyInt = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.sluice.test\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                + "{\"name\":\"name\",\"type\":\"int\",\"default\":0}]}";
        register("plain-value", USER_V1);
        register("plain-value", USER_WITHOUT_NAME);
        register("plain-value", idOnlyInt);
        put("/config/trans-value", Map.of("compatibility", "BACKWARD_TRANSITIVE"));
        register("trans-value", USER_V1);
        register("trans-value", USER_WITHOUT_NAME);
        Reply rejected = post("/subjects/trans-value/versions", schemaBody(idOnlyInt));
        assertError(rejected, 409, 409, "BACKWARD_TRANSITIVE");
        assertThat(rejected.json().get("message").asText()).contains("version 1").contains("TYPE_MISMATCH");
    }

    @Test
    void compatibilityLevelsAreConfiguredGloballyAndPerSubject() {
        assertThat(get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        Reply set = put("/config", Map.of("compatibility", "full"));
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

        assertError(get("/config/users-value"), 404, 40408, "Subject 'users-value' does not have subject-level compatibility configured");
        assertThat(get("/config/users-value?defaultToGlobal=true").json().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(put("/config/users-value", Map.of("compatibility", "NONE")).json().toString()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(get("/config/users-value").json().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");

        assertError(put("/config", Map.of("compatibility", "SIDEWAYS")), 422, 42203, "Invalid compatibility level 'SIDEWAYS'");
        assertError(put("/config/users-value", Map.of("level", "FULL")), 422, 42203, "Invalid compatibility level");
        assertThat(get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

        assertThat(delete("/config/users-value").json().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertError(get("/config/users-value"), 404, 40408, "users-value");
        assertError(delete("/config/users-value"), 404, 40401, "users-value");
        assertThat(get("/mode").json().toString()).isEqualTo("{\"mode\":\"READWRITE\"}");
    }

    @Test
    void levelNoneAcceptsAnyChangeEvenOfType() {
        put("/config/free-value", Map.of("compatibility", "NONE"));
        register("free-value", USER_V1);
        register("free-value", USER_V2_REQUIRED);
        register("free-value", "\"string\"");
        register("free-value", "{\"type\":\"object\"}", "JSON");
        assertThat(get("/subjects/free-value/versions").json().toString()).isEqualTo("[1,2,3,4]");

        register("strict-value", USER_V1);
        assertError(post("/subjects/strict-value/versions", body(Map.of("schema", "{\"type\":\"object\"}", "schemaType", "JSON"))),
                409, 409, "AVRO");
    }

    // ---- references

    @Test
    void anAvroRecordCanReferenceATypeRegisteredUnderAnotherSubject() {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"io.sluice.test\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        int addressId = register("address", address);
        String customer = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"io.sluice.test\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"home\",\"type\":\"io.sluice.test.Address\"}]}";
        List<Map<String, Object>> refs = List.of(Map.of("name", "io.sluice.test.Address", "subject", "address", "version", 1));

        Reply registered = post("/subjects/customers-value/versions", body(Map.of("schema", customer, "references", refs)));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
        int id = registered.json().get("id").asInt();

        Reply byId = get("/schemas/ids/" + id);
        assertThat(byId.json().get("references").toString())
                .isEqualTo("[{\"name\":\"io.sluice.test.Address\",\"subject\":\"address\",\"version\":1}]");
        assertThat(byId.json().get("schema").asText()).as("the referenced type stays a reference")
                .contains("{\"name\":\"home\",\"type\":\"Address\"}").doesNotContain("city");
        assertThat(get("/subjects/customers-value/versions/1").json().get("references").get(0).get("subject").asText()).isEqualTo("address");
        assertThat(get("/subjects/address/versions/1/referencedby").json().toString()).isEqualTo("[" + id + "]");
        assertThat(addressId).isNotEqualTo(id);

        // the same schema text without its reference is a different (and here invalid) schema
        assertError(post("/subjects/customers-value/versions", schemaBody(customer)), 422, 42201, "io.sluice.test.Address");
        // a reference to nothing is named in the error
        List<Map<String, Object>> dangling = List.of(Map.of("name", "io.sluice.test.Address", "subject", "address", "version", 9));
        assertError(post("/subjects/other-value/versions", body(Map.of("schema", customer, "references", dangling))), 422, 42201,
                "reference 'io.sluice.test.Address' points to subject 'address' version 9");
        // a compatible evolution of the referring schema is checked with the reference resolved
        String customerV2 = customer.replace("]}", ",{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}]}");
        Reply v2 = post("/subjects/customers-value/versions", body(Map.of("schema", customerV2, "references", refs)));
        assertThat(v2.status()).as(v2.toString()).isEqualTo(200);
        // a referenced version cannot be deleted while a live schema uses it
        assertError(delete("/subjects/address/versions/1"), 422, 42206, "address");
    }

    // ---- deletes

    @Test
    void softDeleteHidesVersionsButKeepsIdsAndHardDeleteNeedsASoftDeleteFirst() {
        int id1 = register("users-value", USER_V1);
        int id2 = register("users-value", USER_V2_OPTIONAL);

        assertThat(delete("/subjects/users-value/versions/1").json().asInt()).isEqualTo(1);
        assertThat(get("/subjects/users-value/versions").json().toString()).isEqualTo("[2]");
        assertThat(get("/subjects/users-value/versions?deleted=true").json().toString()).isEqualTo("[1,2]");
        assertError(get("/subjects/users-value/versions/1"), 404, 40402, "Version 1 not found.");
        assertThat(get("/subjects/users-value/versions/1?deleted=true").json().get("id").asInt()).isEqualTo(id1);
        assertThat(get("/schemas/ids/" + id1).status()).as("ids stay resolvable").isEqualTo(200);
        assertError(delete("/subjects/users-value/versions/1"), 404, 40406, "was soft deleted");
        assertError(delete("/subjects/users-value/versions/2?permanent=true"), 404, 40407, "was not deleted first");

        assertError(delete("/subjects/users-value?permanent=true"), 404, 40405,
                "Subject 'users-value' was not deleted first before being permanently deleted");
        assertThat(delete("/subjects/users-value").json().toString()).isEqualTo("[2]");
        assertThat(get("/subjects").json().toString()).isEqualTo("[]");
        assertThat(get("/subjects?deleted=true").json().toString()).isEqualTo("[\"users-value\"]");
        assertError(get("/subjects/users-value/versions"), 404, 40401, "Subject 'users-value' not found.");
        assertError(delete("/subjects/users-value"), 404, 40404, "was soft deleted");
        assertThat(get("/schemas/ids/" + id2 + "/schema").body()).contains("email");

        assertThat(delete("/subjects/users-value?permanent=true").json().toString()).isEqualTo("[1,2]");
        assertThat(get("/subjects?deleted=true").json().toString()).isEqualTo("[]");
        assertError(get("/schemas/ids/" + id1), 404, 40403, "Schema " + id1 + " not found");
        assertError(delete("/subjects/users-value"), 404, 40401, "users-value");

        // ids are never reused, and a re-registered schema starts the subject again
        int again = register("users-value", USER_V1);
        assertThat(again).isGreaterThan(id2);
        assertThat(get("/subjects/users-value/versions").json().toString()).isEqualTo("[1]");
    }

    @Test
    void reRegisteringASoftDeletedSchemaAddsAVersionWithTheSameId() {
        int id = register("users-value", USER_V1);
        delete("/subjects/users-value/versions/1");

        assertThat(register("users-value", USER_V1)).isEqualTo(id);
        assertThat(get("/subjects/users-value/versions").json().toString()).isEqualTo("[2]");
    }

    // ---- errors

    @Test
    void unknownThingsAndBadRequestsGetConfluentErrorCodes() {
        register("users-value", USER_V1);

        assertError(get("/subjects/nobody/versions"), 404, 40401, "Subject 'nobody' not found.");
        assertError(get("/subjects/nobody/versions/1"), 404, 40401, "nobody");
        assertError(get("/subjects/users-value/versions/2"), 404, 40402, "Version 2 not found.");
        assertError(get("/subjects/users-value/versions/0"), 422, 42202, "'0' is not a valid version id");
        assertError(get("/subjects/users-value/versions/abc"), 422, 42202, "'abc'");
        assertError(get("/schemas/ids/999"), 404, 40403, "Schema 999 not found");
        assertError(get("/schemas/ids/999/versions"), 404, 40403, "Schema 999 not found");
        assertError(post("/subjects/users-value/versions", schemaBody("{\"type\": \"record\", \"name\": \"X\"}")), 422, 42201,
                "Invalid schema of type AVRO");
        assertError(post("/subjects/users-value/versions", schemaBody("{\"type\":\"record\",\"name\":\"D\",\"fields\":"
                + "[{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}]}")), 422, 42201, "default");
        assertError(post("/subjects/users-value/versions", "{\"schemaType\":\"AVRO\"}"), 422, 42201, "no \"schema\"");
        assertError(post("/subjects/users-value/versions", "{\"schema\":"), 422, 422, "Unrecognizable request body");
        assertError(send("POST", "/subjects/users-value/versions", schemaBody(USER_V1), "text/plain"), 415, 415, "text/plain");
        assertError(get("/nothing/here"), 404, 404, "HTTP 404 Not Found");
        assertError(send("PATCH", "/subjects", null, null), 405, 405, "Method Not Allowed");
        assertError(send("POST", "/schemas/types", "{}", null), 405, 405, "Method Not Allowed");

        assertThat(get("/").json().toString()).isEqualTo("{}");
        // requests without a content type, or with the other accepted ones, are read
        assertThat(send("POST", "/subjects/users-value/versions", schemaBody(USER_V1), null).status()).isEqualTo(200);
        assertThat(send("POST", "/subjects/users-value/versions", schemaBody(USER_V1), "application/json; charset=utf-8").status())
                .isEqualTo(200);
        assertThat(send("POST", "/subjects/users-value/versions", schemaBody(USER_V1), "application/vnd.schemaregistry+json").status())
                .isEqualTo(200);
    }

    @Test
    void subjectNamesArePercentDecoded() {
        int id = register("team/users:value", USER_V1);
        assertThat(get("/subjects").json().get(0).asText()).isEqualTo("team/users:value");
        assertThat(get("/subjects/team%2Fusers%3Avalue/versions/1").json().get("id").asInt()).isEqualTo(id);
    }

    // ---- persistence and concurrency

    @Test
    void everythingSurvivesCloseAndAStartOnTheSameDirectoryAndPort() throws Exception {
        int port = registry.port();
        int id1 = register("users-value", USER_V1);
        int id2 = register("users-value", USER_V2_OPTIONAL);
        delete("/subjects/users-value/versions/1");
        put("/config", Map.of("compatibility", "FULL_TRANSITIVE"));
        put("/config/users-value", Map.of("compatibility", "FORWARD"));
        registry.close();

        assertThatThrownBy(() -> get("/subjects")).as("nothing answers while closed").isInstanceOf(UncheckedIOException.class);

        registry = DevSchemaRegistry.start(dir, port);
        http = HttpClient.newHttpClient();
        assertThat(registry.port()).isEqualTo(port);
        assertThat(get("/subjects/users-value/versions").json().toString()).isEqualTo("[2]");
        assertThat(get("/subjects/users-value/versions/2").json().get("id").asInt()).isEqualTo(id2);
        assertThat(get("/schemas/ids/" + id1 + "/schema").body()).isEqualTo(USER_V1_COMPACT);
        assertThat(get("/config").json().get("compatibilityLevel").asText()).isEqualTo("FULL_TRANSITIVE");
        assertThat(get("/config/users-value").json().get("compatibilityLevel").asText()).isEqualTo("FORWARD");
        assertThat(register("users-value", USER_V2_OPTIONAL)).isEqualTo(id2);
        assertThat(register("other-value", "\"long\"")).as("ids continue after the highest").isEqualTo(id2 + 1);
    }

    @Test
    void aSecondRegistryOnTheSameDirectoryOrAnUnreadableStoreIsRefusedWithAClearMessage() throws IOException {
        assertThatThrownBy(() -> DevSchemaRegistry.start(dir, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another schema registry is using " + dir.toAbsolutePath().normalize());
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("schemas.json"), "{\"format\": 1, \"schemas\": [");
        assertThatThrownBy(() -> DevSchemaRegistry.start(broken, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read the schema registry's data " + broken.resolve("schemas.json"));
        assertThatThrownBy(() -> DevSchemaRegistry.start(dir.resolve("other"), registry.port())).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("port " + registry.port() + " (for the schema registry) is already in use");
        // a failed start leaves the directory usable
        DevSchemaRegistry.start(dir.resolve("other"), 0).close();
    }

    @Test
    void concurrentRegistrationsGetUniqueIdsAndConsecutiveVersions() throws Exception {
        put("/config", Map.of("compatibility", "NONE"));
        int threads = 6;
        int perThread = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<Integer>> task = () -> {
                    List<Integer> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String schema = "{\"type\":\"record\",\"name\":\"R" + thread + "_" + i + "\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
                        ids.add(register("shared-value", schema));
                        ids.add(register("thread-" + thread + "-value", schema));
                    }
                    return ids;
                };
                futures.add(pool.submit(task));
            }
            Set<Integer> all = new TreeSet<>();
            for (Future<List<Integer>> f : futures) {
                List<Integer> ids = f.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < ids.size(); i += 2) {
                    assertThat(ids.get(i + 1)).as("same schema, same id in another subject").isEqualTo(ids.get(i));
                    all.add(ids.get(i));
                }
            }
            assertThat(all).hasSize(threads * perThread);
            List<Integer> versions = new ArrayList<>();
            get("/subjects/shared-value/versions").json().forEach(v -> versions.add(v.asInt()));
            assertThat(versions).hasSize(threads * perThread).first().isEqualTo(1);
            assertThat(versions).last().isEqualTo(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- HTTP helpers

    private record Reply(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private int register(String subject, String schema) {
        return register(subject, schema, null);
    }

    private int register(String subject, String schema, String type) {
        Reply r = post("/subjects/" + subject.replace("/", "%2F") + "/versions",
                type == null ? schemaBody(schema) : body(Map.of("schema", schema, "schemaType", type)));
        assertThat(r.status()).as("register in %s: %s", subject, r).isEqualTo(200);
        assertThat(r.json().size()).as("only the id: %s", r).isEqualTo(1);
        return r.json().get("id").asInt();
    }

    private static String schemaBody(String schema) {
        return body(Map.of("schema", schema));
    }

    private static String body(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertError(Reply r, int status, int errorCode, String messagePart) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).isEqualTo(MEDIA_TYPE);
        assertThat(r.json().get("error_code").asInt()).as(r.toString()).isEqualTo(errorCode);
        assertThat(r.json().get("message").asText()).as(r.toString()).contains(messagePart);
    }

    private Reply get(String path) {
        return send("GET", path, null, null);
    }

    private Reply post(String path, String json) {
        return send("POST", path, json, MEDIA_TYPE);
    }

    private Reply put(String path, Object value) {
        return send("PUT", path, body(value), MEDIA_TYPE);
    }

    private Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    private Reply send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
