package io.sluice.it;

import io.sluice.manifest.Secret;
import io.sluice.storage.S3Settings;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API for tests: S3Proxy with its {@code filesystem-nio2} backend in a temporary directory, on a free port of
 * 127.0.0.1, checking request signatures (so wrong credentials really fail). Start one per test class and close it:
 *
 * <pre>{@code
 * try (TestS3 s3 = TestS3.start()) {
 *     s3.createBucket("events-1");
 *     ObjectStore store = S3Store.open(s3.settings(), "events-1", "tables");
 * }
 * }</pre>
 *
 * <p>S3Proxy runs in a JVM of its own from its jar-with-dependencies (copied to {@code target/s3proxy} by the build):
 * that jar bundles other versions of the AWS SDK, Jackson, protobuf, snakeyaml and logback, which must not share the
 * test class path. The child JVM ends when this object is closed or when the test JVM dies.
 */
public final class TestS3 implements AutoCloseable {
    private static final String ACCESS_KEY = "sluice-test-access";
    private static final String SECRET_KEY = "sluice-test-secret-7f3a";

    private final Process process;
    private final Path dir;
    private final int port;
    private S3Client client;

    private TestS3(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts S3Proxy and waits (up to 60 s) until it accepts connections. */
    public static TestS3 start() {
        Path jar = Path.of(System.getProperty("sluice.home", "."), "target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn generate-test-resources` (or any test phase) first");
        }
        try {
            Path dir = Files.createTempDirectory("sluice-s3proxy-");
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = freePort();
            Path conf = dir.resolve("s3proxy.conf");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + data,
                    ""));
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            String classes = Path.of(S3ProxyLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", jar + File.pathSeparator + classes, S3ProxyLauncher.class.getName(), conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("s3proxy.log").toFile())
                    .start();
            TestS3 s3 = new TestS3(p, dir, port);
            s3.awaitReady();
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = log();
                close();
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ":\n" + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                pause();
            }
        }
        String log = log();
        close();
        throw new IllegalStateException("S3Proxy did not listen on port " + port + " within 60 s:\n" + log);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** Settings that reach this S3Proxy with its credentials (path style, us-east-1). */
    public S3Settings settings() {
        return new S3Settings(Optional.of(endpoint()), "us-east-1", true, Optional.of(new Secret(ACCESS_KEY)),
                Optional.of(new Secret(SECRET_KEY)));
    }

    /** Creates {@code name}; use a name unique to the test. */
    public synchronized void createBucket(String name) {
        client().createBucket(b -> b.bucket(name));
    }

    private S3Client client() {
        if (client == null) {
            client = S3Client.builder()
                    .endpointOverride(endpoint())
                    .region(Region.US_EAST_1)
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .build();
        }
        return client;
    }

    /**
     * Copies every object under {@code prefix} of {@code bucket} through the S3 API into {@code target} (replaced), keeping
     * the key's path below the prefix; returns how many objects it copied.
     */
    public synchronized int download(String bucket, String prefix, Path target) {
        S3Client c = client();
        try {
            if (Files.exists(target)) {
                try (Stream<Path> files = Files.walk(target)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            int n = 0;
            String from = prefix.endsWith("/") ? prefix : prefix + "/";
            for (var o : c.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(from)).contents()) {
                Path to = target.resolve(o.key().substring(from.length()));
                Files.createDirectories(to.getParent());
                Files.write(to, c.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every object under {@code prefix} of {@code bucket}. */
    public synchronized void deletePrefix(String bucket, String prefix) {
        S3Client c = client();
        for (var o : c.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            c.deleteObject(b -> b.bucket(bucket).key(o.key()));
        }
    }

    /** What S3Proxy printed so far, for failure messages. */
    public String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("s3proxy.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
        }
    }
}
