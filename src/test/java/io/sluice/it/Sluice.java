package io.sluice.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/sluice} as a separate process, and reads DuckDB files, for end-to-end tests. */
public final class Sluice {
    public static final Path HOME = Path.of(System.getProperty("sluice.home", ".")).toAbsolutePath();

    /** The JVM options every test run of {@code bin/sluice} gets (through SLUICE_JAVA_OPTS): small and quick to start. */
    public static final String JAVA_OPTS = "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private Sluice() {}

    public record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    public static ProcessBuilder builder(Path workDir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(HOME.resolve("bin/sluice").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("SLUICE_JAVA_OPTS", JAVA_OPTS);
        pb.environment().putAll(env);
        return pb;
    }

    public static Result run(Path workDir, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile(workDir, "out", ".txt");
            Path err = Files.createTempFile(workDir, "err", ".txt");
            Process p = builder(workDir, env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("sluice " + String.join(" ", args) + " did not finish in 180 s; stderr:\n"
                        + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Path manifest(Path dir, String yaml) {
        try {
            Path f = dir.resolve("pipeline.yaml");
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long queryLong(Path db, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static List<List<Object>> query(Path db, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * {@code n} distinct TCP ports that were free a moment ago (all held at once while picking, so they differ),
     * never Kafka's defaults 9092/9093.
     */
    public static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            while (held.size() < n) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                if (s.getLocalPort() == 9092 || s.getLocalPort() == 9093) {
                    s.close();
                    continue;
                }
                held.add(s);
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /** A unique, readable name for a topic or pipeline. */
    public static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime() & 0xffffffffL);
    }
}
