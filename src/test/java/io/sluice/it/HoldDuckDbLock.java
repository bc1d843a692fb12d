package io.sluice.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A separate process that holds a DuckDB file open for writing (and so its lock) until its stdin closes: run by
 * tests that need "the warehouse is locked by another process". Prints {@code holding} once it has the lock.
 */
public final class HoldDuckDbLock implements AutoCloseable {
    private final Process process;

    private HoldDuckDbLock(Process process) {
        this.process = process;
    }

    /** Starts a holder of {@code db} in its own JVM and waits (at most 60 s) until it holds the file. */
    public static HoldDuckDbLock start(Path db) throws Exception {
        String classpath = Sluice.HOME.resolve("target/test-classes") + File.pathSeparator + Sluice.HOME.resolve("target/lib") + File.separator + "*";
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                HoldDuckDbLock.class.getName(), db.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first;
        try {
            first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("the lock holder did not report within 60 s", e);
        }
        if (!"holding".equals(first)) {
            p.destroyForcibly();
            throw new AssertionError("the lock holder failed: " + first);
        }
        return new HoldDuckDbLock(p);
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0]); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            System.out.println("holding");
            System.out.flush();
            // until the test closes our stdin, destroys us, or itself goes away
            while (System.in.read() >= 0) {
                // ignore input
            }
        }
    }
}
