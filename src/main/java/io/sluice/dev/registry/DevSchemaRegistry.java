package io.sluice.dev.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small Confluent-compatible Schema Registry for development and tests, serving on {@code localhost} in this JVM.
 * {@code sluice dev up} runs one in its own JVM ({@link RegistryMain}); tests of other packages start one directly:
 *
 * <pre>{@code
 * try (DevSchemaRegistry registry = DevSchemaRegistry.start(tempDir, 0)) {
 *     String url = registry.url();   // http://localhost:<port>
 * }
 * }</pre>
 *
 * <p>It speaks the documented Confluent REST API (subjects, versions, global ids, references, soft and hard deletes,
 * compatibility levels and checks, error codes) for Avro, JSON Schema and Protobuf. Its data lives in one file under
 * the data directory and survives {@link #close()}: a later {@link #start} on the same directory (and port) serves
 * the same schemas with the same ids, which is how tests simulate a registry outage and its recovery.
 *
 * <p>Known limits: compatibility is checked for Avro only (Protobuf and JSON Schema changes are always accepted); Protobuf
 * schemas are stored as given (only checked to be non-empty), JSON schemas only checked to be JSON; no authentication,
 * no modes other than READWRITE, no contexts, metadata or rule sets.
 */
public final class DevSchemaRegistry implements AutoCloseable {
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path dataDir;

    private DevSchemaRegistry(HttpServer server, ExecutorService executor, FileChannel lockChannel, FileLock lock, Path dataDir) {
        this.server = server;
        this.executor = executor;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.dataDir = dataDir;
    }

    /**
     * Loads the registry's data from {@code dataDir} (created when missing) and starts serving on {@code localhost:port}
     * ({@code 0}: any free port).
     *
     * @throws UncheckedIOException  when the port is taken (the message names it) or the directory cannot be used
     * @throws IllegalStateException when the stored data cannot be read, or another registry uses {@code dataDir}
     */
    public static DevSchemaRegistry start(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath().normalize();
        FileChannel channel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("another schema registry is using " + dir);
            }
            SchemaStore store = new SchemaStore(new StoreFile(dir));
            // without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
            // ~40 ms per request. Read once, when the JDK's server configuration loads; an explicit setting wins.
            if (System.getProperty(NODELAY) == null) {
                System.setProperty(NODELAY, "true");
            }
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            } catch (BindException e) {
                throw new UncheckedIOException("port " + port + " (for the schema registry) is already in use on localhost", e);
            }
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/", new RestApi(store));
            server.start();
            return new DevSchemaRegistry(server, executor, channel, lock, dir);
        } catch (IOException e) {
            release(channel, lock);
            throw new UncheckedIOException("cannot start the schema registry with data in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(channel, lock);
            throw e;
        }
    }

    /** {@code http://localhost:<port>}, the base URL clients use. */
    public String url() {
        return "http://localhost:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where the data lives. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops serving at once (open connections are closed) and releases the port and the data directory. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release(lockChannel, lock);
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
