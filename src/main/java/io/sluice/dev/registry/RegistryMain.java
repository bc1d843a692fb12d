package io.sluice.dev.registry;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The entry point of the registry JVM that {@link LocalRegistry} starts: {@code RegistryMain --dir DATA_DIR --port PORT}.
 * Serves until SIGTERM; exits 1 with a message on stderr when it cannot start.
 */
final class RegistryMain {
    private RegistryMain() {}

    public static void main(String[] args) {
        Path dir = null;
        int port = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = parsePort(args[i + 1]);
                default -> fail("unknown option " + args[i]);
            }
        }
        if (dir == null || port < 0 || args.length % 2 != 0) {
            fail("usage: RegistryMain --dir DATA_DIR --port PORT");
        }
        DevSchemaRegistry registry;
        try {
            registry = DevSchemaRegistry.start(dir, port);
        } catch (RuntimeException e) {
            fail("schema registry: cannot start: " + e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("schema registry: stopping");
            registry.close();
            stopped.countDown();
        }, "schema-registry-shutdown"));
        System.out.println("schema registry: listening on " + registry.url() + " (data in " + registry.dataDir() + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            fail("--port must be a number (got " + s + ")");
            return -1;
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
