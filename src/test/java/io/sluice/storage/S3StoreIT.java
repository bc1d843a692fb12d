package io.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.it.FaultProxy;
import io.sluice.it.TestS3;
import io.sluice.manifest.Secret;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.S3Calls.RetryPolicy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3Store} against a real S3 API (S3Proxy), with faults injected in front of it. */
class S3StoreIT {
    /** Quick retries, so the retry tests do not wait seconds; the attempt count is the default's. */
    private static final RetryPolicy FAST = new RetryPolicy(6, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(30));

    private static TestS3 s3;

    @BeforeAll
    static void start() {
        s3 = TestS3.start();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static String newBucket() {
        String name = "b-" + UUID.randomUUID().toString().substring(0, 12);
        s3.createBucket(name);
        return name;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetListDeleteUnderAPrefix() throws Exception {
        String bucket = newBucket();
        try (S3Store store = S3Store.open(s3.settings(), bucket, "tables/events");
             S3Store other = S3Store.open(s3.settings(), bucket, "tables/other")) {
            store.check();
            store.put("a.txt", bytes("one"));
            store.put("_sluice/ledger/0001.json", bytes("two"));
            store.put("date=2026-12-02/part-0.parquet", bytes("three"));
            store.put("a.txt", bytes("one again"));
            other.put("x", bytes("elsewhere"));

            assertThat(store.get("a.txt")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("one again")));
            assertThat(store.get("missing")).isEmpty();
            assertThat(store.list("")).containsExactly("_sluice/ledger/0001.json", "a.txt", "date=2026-12-02/part-0.parquet");
            assertThat(store.list("_sluice/")).containsExactly("_sluice/ledger/0001.json");
            assertThat(store.list("date=")).containsExactly("date=2026-12-02/part-0.parquet");
            assertThat(store.describe("a.txt")).isEqualTo("s3://" + bucket + "/tables/events/a.txt");

            Path staged = Files.writeString(store.stagingDirectory().resolve("part-1.parquet"), "four");
            store.putFile("date=2026-12-02/part-1.parquet", staged);
            assertThat(staged).doesNotExist();
            assertThat(store.get("date=2026-12-02/part-1.parquet")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("four")));

            store.delete("a.txt");
            store.delete("a.txt");
            assertThat(store.get("a.txt")).isEmpty();
            assertThat(store.list("")).doesNotContain("a.txt").hasSize(3);
            assertThat(other.list("")).containsExactly("x");
        }
    }

    @Test
    void anS3LocationOpensAnS3StoreWithoutARequest() {
        S3Settings aws = new S3Settings(Optional.empty(), "eu-west-1", false, Optional.empty(), Optional.empty());
        try (ObjectStore store = ObjectStores.open(StoreLocation.parse("s3://events-bucket/t/").value(), Optional.of(aws))) {
            assertThat(store).isInstanceOf(S3Store.class);
            assertThat(store.describe("a")).isEqualTo("s3://events-bucket/t/a");
            assertThat(store.toString()).isEqualTo("S3Store[s3://events-bucket/t at https://s3.eu-west-1.amazonaws.com]");
        }
    }

    @Test
    void listingFollowsContinuationPages() throws Exception {
        String bucket = newBucket();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (S3Store store = S3Store.open(s3.settings(), bucket, "p", RetryPolicy.DEFAULT, 10)) {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 35; i++) {
                String key = String.format("k/%03d", i);
                puts.add(pool.submit(() -> store.put(key, new byte[] {1})));
            }
            for (Future<?> f : puts) {
                f.get(60, TimeUnit.SECONDS);
            }
            store.put("other", new byte[] {2});
            List<String> keys = store.list("k/");
            assertThat(keys).hasSize(35).isSorted().doesNotHaveDuplicates().startsWith("k/000").endsWith("k/034");
            assertThat(store.list("")).hasSize(36);

            store.put("k/sub/x", new byte[] {3});
            store.put("k/sub2", new byte[] {4, 4});
            List<ObjectInfo> from = store.listFolder("k/", "017");
            assertThat(from).extracting(ObjectInfo::key).hasSize(19).isSorted().doesNotHaveDuplicates()
                    .startsWith("k/017").endsWith("k/034", "k/sub2");
            assertThat(from.get(from.size() - 1).size()).isEqualTo(2);
            assertThat(store.listFolder("k/", "")).hasSize(36);
            assertThat(store.listFolder("", "")).extracting(ObjectInfo::key).containsExactly("other");
            assertThat(store.listFolder("none/", "")).isEmpty();
            assertThat(store.stat("k/sub2")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(2));
            assertThat(store.stat("k/sub")).as("a folder is not an object").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void putIfAbsentHasExactlyOneWinnerAmong16Threads() throws Exception {
        String bucket = newBucket();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (S3Store store = S3Store.open(s3.settings(), bucket, "fence")) {
            for (int round = 0; round < 10; round++) {
                String key = "_sluice/fence-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<byte[]> data = new ArrayList<>();
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    byte[] mine = bytes("writer-" + t + "-" + UUID.randomUUID());
                    data.add(mine);
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.putIfAbsent(key, mine);
                    }));
                }
                go.countDown();
                List<Integer> winners = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    if (results.get(t).get(60, TimeUnit.SECONDS)) {
                        winners.add(t);
                    }
                }
                assertThat(winners).as("winners of round %d", round).hasSize(1);
                assertThat(store.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(data.get(winners.get(0))));
            }
            assertThat(store.putIfAbsent("_sluice/fence-0", bytes("late"))).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongSecretIsAccessDeniedWithoutShowingTheSecret() {
        String bucket = newBucket();
        String wrong = "not-the-secret-91c2";
        S3Settings bad = new S3Settings(Optional.of(s3.endpoint()), "us-east-1", true,
                Optional.of(new Secret(s3.accessKey())), Optional.of(new Secret(wrong)));
        try (S3Store store = S3Store.open(bad, bucket, "p")) {
            assertThatThrownBy(store::check)
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONNECT))
                    .hasMessage("s3://" + bucket + "/p: access denied to bucket " + bucket
                            + " (check s3.access_key_id / secret_access_key or the AWS credentials chain)");
            assertThatThrownBy(() -> store.put("k", bytes("v")))
                    .hasMessageStartingWith("s3://" + bucket + "/p/k: put failed: 403 ")
                    .hasMessageNotContaining(wrong);
            assertThat(bad.toString()).doesNotContain(wrong).doesNotContain(s3.accessKey());
            assertThat(store.toString()).doesNotContain(wrong);
        }
    }

    @Test
    void aMissingBucketIsNamed() {
        try (S3Store store = S3Store.open(s3.settings(), "no-such-bucket-7e1", "")) {
            assertThatThrownBy(store::check)
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONNECT))
                    .hasMessage("s3://no-such-bucket-7e1: bucket no-such-bucket-7e1 does not exist (at " + s3.endpoint() + ")");
        }
    }

    @Test
    void anEndpointNobodyListensOnFailsWithinTheRetryBound() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + port);
        S3Settings settings = new S3Settings(Optional.of(nobody), "us-east-1", true,
                Optional.of(new Secret(s3.accessKey())), Optional.of(new Secret(s3.secretKey())));
        try (S3Store store = S3Store.open(settings, "bucket-x", "")) {
            // the default policy: 6 attempts, at most 0.25+0.5+1+2+4 s of waiting between them
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    store.check();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!outcome.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(outcome).as("check() against a dead endpoint ends within the retry bound").isDone();
            assertThat(outcome.get()).isInstanceOf(SluiceException.class)
                    .hasMessage("s3://bucket-x: cannot reach S3 endpoint " + nobody + ": connection refused after 6 attempts")
                    .hasMessageNotContaining(s3.secretKey());
        }
    }

    @Test
    void slowDownIsRetriedAndTheLastOneIsReported() throws Exception {
        String bucket = newBucket();
        try (FaultProxy proxy = new FaultProxy(s3.endpoint());
             S3Store store = S3Store.open(through(proxy), bucket, "r", FAST, 1000)) {
            proxy.failNext(Integer.MAX_VALUE);
            assertThatThrownBy(() -> store.put("k", bytes("v")))
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.WRITE))
                    .hasMessage("s3://" + bucket + "/r/k: put failed: 503 SlowDown after 6 attempts (Please reduce your request rate.)");
            assertThat(proxy.failed()).isEqualTo(6);
        }
    }

    @Test
    void aFewSlowDownsThenSuccess() throws Exception {
        String bucket = newBucket();
        try (FaultProxy proxy = new FaultProxy(s3.endpoint());
             S3Store store = S3Store.open(through(proxy), bucket, "r", FAST, 1000)) {
            proxy.failNext(3);
            store.put("k", bytes("v"));
            assertThat(proxy.failed()).isEqualTo(3);
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v")));
            proxy.failNext(2);
            assertThat(store.putIfAbsent("fresh", bytes("mine"))).isTrue();
            assertThat(proxy.failed()).isEqualTo(5);
        }
    }

    @Test
    void aConditionalRequestConflictIsRetriedAndAnAccessDenialIsNot() throws Exception {
        String bucket = newBucket();
        try (FaultProxy proxy = new FaultProxy(s3.endpoint());
             S3Store store = S3Store.open(through(proxy), bucket, "r", FAST, 1000)) {
            proxy.failNext(2, 409, "ConditionalRequestConflict", "A conflicting operation is in progress.");
            assertThat(store.putIfAbsent("_sluice/commit-1", bytes("a"))).isTrue();
            assertThat(proxy.failed()).isEqualTo(2);
            proxy.failNext(5, 403, "AccessDenied", "Access Denied");
            assertThatThrownBy(() -> store.putIfAbsent("_sluice/commit-2", bytes("a")))
                    .hasMessage("s3://" + bucket + "/r/_sluice/commit-2: create-if-absent failed: 403 AccessDenied (Access Denied);"
                            + " check s3.access_key_id / secret_access_key or the AWS credentials chain");
            assertThat(proxy.failed()).isEqualTo(3);
        }
    }

    @Test
    void aLostResponseOfACreateIfAbsentIsResolvedByReadingBack() throws Exception {
        String bucket = newBucket();
        try (FaultProxy proxy = new FaultProxy(s3.endpoint());
             S3Store store = S3Store.open(through(proxy), bucket, "r", FAST, 1000)) {
            proxy.dropNext(1);
            assertThat(store.putIfAbsent("_sluice/commit-1", bytes("writer-a"))).isTrue();
            assertThat(proxy.dropped()).isEqualTo(1);
            // another writer's lost attempt: the object holds someone else's bytes, so it lost
            proxy.dropNext(1);
            assertThat(store.putIfAbsent("_sluice/commit-1", bytes("writer-b"))).isFalse();
            assertThat(store.get("_sluice/commit-1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("writer-a")));
        }
    }

    @Test
    void anEndpointThatIsNotAnS3ApiIsToldApartFromAMissingBucket() throws Exception {
        // a web console or another service on the port s3.endpoint names: one answers 200 to everything, one 404
        for (int status : new int[] {200, 404}) {
            com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            web.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] page = "<html><body>Object Storage Console</body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(status, head ? -1 : page.length);
                if (!head) {
                    exchange.getResponseBody().write(page);
                }
                exchange.close();
            });
            web.start();
            URI endpoint = URI.create("http://127.0.0.1:" + web.getAddress().getPort());
            S3Settings settings = new S3Settings(Optional.of(endpoint), "us-east-1", true,
                    Optional.of(new Secret(s3.accessKey())), Optional.of(new Secret(s3.secretKey())));
            try (S3Store store = S3Store.open(settings, "lake-bucket", "p", FAST, 1000)) {
                assertThatThrownBy(store::check)
                        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONNECT))
                        .hasMessage(status == 200
                                ? "s3://lake-bucket/p: the endpoint " + endpoint + " does not answer as an S3 API does: an"
                                        + " object written there did not read back the same (check s3.endpoint: the address and"
                                        + " port of the S3 API, not of a web console or another service)"
                                : "s3://lake-bucket/p: the endpoint " + endpoint + " answered 404 for bucket lake-bucket"
                                        + " without S3's error code, so it does not look like an S3 API (check s3.endpoint: the"
                                        + " address and port of the S3 API, not of a web console or another service)");
            } finally {
                web.stop(0);
            }
        }
    }

    @Test
    void aStoreThatIgnoresConditionalWritesIsRefusedBeforeAnythingIsWritten(@TempDir Path copy) throws Exception {
        String bucket = newBucket();
        try (FaultProxy proxy = new FaultProxy(s3.endpoint());
             S3Store store = S3Store.open(through(proxy), bucket, "r", FAST, 1000)) {
            proxy.ignoreConditions(true);
            store.put("_sluice/ledger/1.json", bytes("writer-a"));
            assertThat(store.putIfAbsent("_sluice/ledger/1.json", bytes("writer-b")))
                    .as("what such a store does to the ledger: both writers win").isTrue();
            assertThatThrownBy(store::check)
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONNECT))
                    .hasMessage("s3://" + bucket + "/r: the store at " + proxy.endpoint() + " ignores conditional writes"
                            + " (If-None-Match: *): writing an object that already existed succeeded. Sluice commits with"
                            + " them, so that two writers can never both take one ledger entry; use a store that supports"
                            + " them (AWS S3 does)");
            assertThat(s3.download(bucket, "r", copy)).as("the probe is removed")
                    .isEqualTo(1);
            proxy.ignoreConditions(false);
            store.check();
        }
    }

    private static S3Settings through(FaultProxy proxy) {
        return new S3Settings(Optional.of(proxy.endpoint()), "us-east-1", true,
                Optional.of(new Secret(s3.accessKey())), Optional.of(new Secret(s3.secretKey())));
    }
}
