package io.sluice.format.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.sluice.format.DecodeException;
import io.sluice.format.SchemaUnavailableException;
import io.sluice.manifest.RegistrySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer-schema cache against a real HTTP server playing a registry. */
class WriterSchemasTest {
    private HttpServer server;
    private String url;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger compiles = new AtomicInteger();
    private volatile boolean down = true;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String[] answer = switch (path) {
                case "/schemas/ids/1" -> new String[] {"200", "{\"schema\": \"A\", \"references\": [{\"name\": \"r\", \"subject\": \"sa\", \"version\": 1}]}"};
                case "/schemas/ids/2" -> new String[] {"200", "{\"schema\": \"syntax = \\\"proto3\\\";\", \"schemaType\": \"PROTOBUF\"}"};
                case "/schemas/ids/3" -> down ? new String[] {"503", "{\"error_code\": 50003, \"message\": \"busy\"}"}
                        : new String[] {"200", "{\"schema\": \"C\"}"};
                case "/schemas/ids/4" -> new String[] {"200", "{\"schema\": \"bad\"}"};
                case "/schemas/ids/9" -> new String[] {"404", "{\"error_code\": 40403, \"message\": \"Schema 9 not found\"}"};
                case "/schemas/ids/5" -> new String[] {"200", "{\"schema\": \"E\", \"references\": [{\"name\": \"r\", \"subject\": \"locked\", \"version\": 1}]}"};
                case "/subjects/locked/versions/1" -> new String[] {"403", "{\"error_code\": 40301, \"message\": \"forbidden\"}"};
                case "/subjects/sa/versions/1" -> new String[] {"404", "{\"error_code\": 40402, \"message\": \"Version 1 not found\"}"};
                default -> new String[] {"404", "<html>Not Found</html>"};
            };
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        url = "http://localhost:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private WriterSchemas<String> schemas() {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistrySpec.of(url).withRetries(0), ms -> { });
        return new WriterSchemas<>(client, SchemaType.AVRO, "avro", "Avro schema", (s, refs) -> {
            compiles.incrementAndGet();
            if (s.text().equals("bad")) {
                throw new WriterSchemas.InvalidSchemaException("not a schema at all");
            }
            return "compiled " + s.text();
        });
    }

    @Test
    void unusableSchemasAreRememberedAndOutagesAreAskedAgain() throws DecodeException {
        WriterSchemas<String> w = schemas();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> w.get(1)).isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("schema id 1 from " + url + " references a schema the registry does not have: schema"
                            + " registry " + url + " refused subject sa version 1: HTTP 404 error 40402");
            assertThatThrownBy(() -> w.get(2)).isInstanceOf(DecodeException.class)
                    .hasMessage("schema id 2 is a PROTOBUF schema, but message_format is avro");
            assertThatThrownBy(() -> w.get(4)).isInstanceOf(DecodeException.class)
                    .hasMessage("schema id 4 from " + url + " is not a usable Avro schema: not a schema at all");
            assertThatThrownBy(() -> w.get(9)).isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("unknown schema id 9: ");
        }
        assertThat(hits.get("/schemas/ids/1").get()).isEqualTo(1);
        // a 404 that is not the registry's "schema not found" (a wrong URL, a proxy) never makes a record skippable
        assertThatThrownBy(() -> w.get(8)).isInstanceOf(SchemaUnavailableException.class)
                .hasMessageEndingWith("(is schema_registry_url the registry's base URL?)");
        // references refused for another reason than "not found" are an outage too, asked again next time
        assertThatThrownBy(() -> w.get(5)).isInstanceOf(SchemaUnavailableException.class)
                .hasMessageContaining("cannot fetch the schemas that Avro schema id 5 references");
        assertThatThrownBy(() -> w.get(5)).isInstanceOf(SchemaUnavailableException.class);
        assertThat(hits.get("/subjects/locked/versions/1").get()).isEqualTo(2);
        assertThat(hits.get("/schemas/ids/4").get()).isEqualTo(1);

        assertThatThrownBy(() -> w.get(3)).isInstanceOf(SchemaUnavailableException.class)
                .hasMessage("cannot fetch Avro schema id 3: schema registry " + url + " is unavailable for schema id 3 after 1 attempt:"
                        + " HTTP 503 error 50003: busy");
        down = false;
        assertThat(w.get(3)).isEqualTo("compiled C");
        assertThat(w.get(3)).isEqualTo("compiled C");
        assertThat(hits.get("/schemas/ids/3").get()).isEqualTo(2);
        assertThat(compiles.get()).isEqualTo(2); // "bad" once and "C" once
    }
}
