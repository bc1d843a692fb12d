package io.sluice.format.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.Secret;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against a real HTTP(S) server in the test that plays a registry: auth headers, retries on
 * 5xx, errors with their codes, failover between URLs and a private CA.
 */
class SchemaRegistryClientTest {
    @TempDir
    Path dir;

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A server whose answer to each request is {@code status body} from {@code handler}. */
    private String serve(HttpServer server, Function<HttpExchange, String[]> handler) {
        server.createContext("/", ex -> {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String[] answer = handler.apply(ex);
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            ex.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        servers.add(server);
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://localhost:" + server.getAddress().getPort();
    }

    private String serve(Function<HttpExchange, String[]> handler) throws IOException {
        return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), handler);
    }

    private SchemaRegistryClient client(List<String> urls, Optional<String> user, Optional<Secret> password,
            Optional<Secret> token, Optional<Path> ca, int retries) {
        return new SchemaRegistryClient(new RegistrySpec(urls.stream().map(URI::create).toList(), user, password, token, ca,
                Duration.ofSeconds(5), retries), sleeps::add);
    }

    private static final String SCHEMA = "{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}";

    @Test
    void basicAuthAndBearerTokensAreSentAndCached() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(ex -> {
            calls.incrementAndGet();
            return new String[] {"200", SCHEMA};
        });
        SchemaRegistryClient basic = client(List.of(url), Optional.of("sr"), Optional.of(new Secret("pa:ss")), Optional.empty(),
                Optional.empty(), 0);
        RegisteredSchema s = basic.schemaById(7);
        assertThat(s).isEqualTo(new RegisteredSchema(7, SchemaType.AVRO, "{\"type\": \"string\"}", List.of()));
        basic.schemaById(7);
        assertThat(calls.get()).isEqualTo(1); // ids are immutable: fetched once
        assertThat(authorizations).containsExactly("Basic c3I6cGE6c3M=");

        client(List.of(url), Optional.empty(), Optional.empty(), Optional.of(new Secret("t0k")), Optional.empty(), 0).schemaById(8);
        assertThat(authorizations).last().isEqualTo("Bearer t0k");
    }

    @Test
    void serverErrorsAreRetriedWithDoublingBackoffThenSucceed() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(ex -> calls.incrementAndGet() <= 2
                ? new String[] {"503", "{\"error_code\": 50003, \"message\": \"busy\"}"} : new String[] {"200", SCHEMA});
        RegisteredSchema s = client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 3).schemaById(1);
        assertThat(s.text()).isEqualTo("{\"type\": \"string\"}");
        assertThat(sleeps).containsExactly(200L, 400L);
    }

    @Test
    void aRegistryThatKeepsFailingIsNamedWithWhatWasAsked() throws IOException {
        String url = serve(ex -> new String[] {"500", "{\"error_code\": 50001, \"message\": \"store error\"}"});
        assertThatThrownBy(() -> client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 2)
                .schemaById(42))
                .isInstanceOf(RegistryException.class)
                .hasMessage("schema registry " + url + " is unavailable for schema id 42 after 3 attempts: HTTP 500 error 50001: store error")
                .matches(e -> ((RegistryException) e).unavailable());
        assertThat(sleeps).containsExactly(200L, 400L);
    }

    @Test
    void notFoundAndAuthErrorsAreNotRetried() throws IOException {
        String url = serve(ex -> ex.getRequestURI().getPath().endsWith("/1")
                ? new String[] {"404", "{\"error_code\": 40403, \"message\": \"Schema 1 not found\"}"}
                : new String[] {"401", "{\"error_code\": 40101, \"message\": \"Unauthorized\"}"});
        SchemaRegistryClient c = client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 5);
        assertThatThrownBy(() -> c.schemaById(1)).isInstanceOf(RegistryException.class)
                .hasMessage("schema registry " + url + " refused schema id 1: HTTP 404 error 40403: Schema 1 not found")
                .matches(e -> ((RegistryException) e).notFound() && ((RegistryException) e).errorCode() == 40403);
        assertThatThrownBy(() -> c.schemaById(2)).hasMessageEndingWith(
                "HTTP 401 error 40101: Unauthorized (check schema_registry_username/password or schema_registry_token)");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theNextUrlIsTriedWhenOneCannotBeReached() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        String url = serve(ex -> new String[] {"200", SCHEMA});
        RegisteredSchema s = client(List.of("http://localhost:" + dead, url), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0).schemaById(3);
        assertThat(s.id()).isEqualTo(3);
    }

    @Test
    void referencesAreFetchedDependenciesFirst() throws IOException {
        String url = serve(ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/schemas/ids/10")) {
                return new String[] {"200", "{\"schema\": \"main\", \"references\": [{\"name\": \"a\", \"subject\": \"sa\", \"version\": 1}]}"};
            }
            if (path.equals("/subjects/sa/versions/1")) {
                return new String[] {"200", "{\"id\": 11, \"subject\": \"sa\", \"version\": 1, \"schema\": \"A\","
                        + " \"references\": [{\"name\": \"b\", \"subject\": \"s b\", \"version\": 2}]}"};
            }
            if (path.equals("/subjects/s b/versions/2")) {
                return new String[] {"200", "{\"id\": 12, \"subject\": \"s b\", \"version\": 2, \"schema\": \"B\"}"};
            }
            return new String[] {"404", "{\"error_code\": 40401, \"message\": \"no " + path + "\"}"};
        });
        SchemaRegistryClient c = client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
        assertThat(c.referencedSchemas(c.schemaById(10))).containsExactly(java.util.Map.entry("b", "B"), java.util.Map.entry("a", "A"));
    }

    @Test
    void httpsWithAPrivateCa() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path pem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "sr", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "sr", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        String url = serve(https, ex -> new String[] {"200", SCHEMA});

        assertThat(client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(pem), 0).schemaById(5).id())
                .isEqualTo(5);
        // without the CA the JVM's default trust store rejects the certificate
        assertThatThrownBy(() -> client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0)
                .schemaById(6)).isInstanceOf(RegistryException.class).hasMessageContaining("unavailable for schema id 6 after 1 attempt: SSLHandshakeException");
        Path notPem = Files.writeString(dir.resolve("x.pem"), "hello");
        assertThatThrownBy(() -> client(List.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(notPem), 0))
                .hasMessage("cannot read schema_registry_ca " + notPem + ": No certificate data found");
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}
