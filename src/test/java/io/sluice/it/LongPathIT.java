package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.dev.BackgroundProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice installed in a checkout with a long path: the broker JVM's command line (its classpath lists every jar by
 * its full path) is then longer than the 4 KiB the JDK shows of another process, which broke `dev up` and
 * `quickstart`. The checkout here is a real directory with a long name holding bin/sluice, the jar and target/lib and
 * target/broker-lib (links to the built ones: the paths the JVM lists and passes on are the long ones).
 */
class LongPathIT {
    private static final List<String> ENGLISH = List.of("-Duser.language=en", "-Duser.country=US");

    @TempDir
    Path work;

    private Path checkout() throws Exception {
        Path home = work.resolve("a-rather-long-directory-name-for-a-checkout-of-sluice").resolve("clone-of-the-repository");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("target"));
        Files.copy(Sluice.HOME.resolve("bin/sluice"), home.resolve("bin/sluice"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Sluice.HOME.resolve("target/sluice.jar"), home.resolve("target/sluice.jar"));
        for (String d : List.of("target/lib", "target/broker-lib", "examples")) {
            Files.createSymbolicLink(home.resolve(d), Sluice.HOME.resolve(d));
        }
        return home;
    }

    private static Sluice.Result run(Path home, Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/sluice").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("SLUICE_JAVA_OPTS", Sluice.JAVA_OPTS + " " + String.join(" ", ENGLISH));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sluice " + String.join(" ", args) + " did not finish in 180 s:\n" + Files.readString(err));
        }
        return new Sluice.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void devUpStatusDownAndQuickstartWorkWhenTheBrokersCommandLinePasses4KiB() throws Exception {
        Path home = checkout();
        Path state = home.resolve(".sluice");
        int[] ports = Sluice.freePorts(3);
        String[] where = {"--dir", state.toString(), "--port", Integer.toString(ports[0]), "--controller-port", Integer.toString(ports[1])};
        try {
            Sluice.Result up = run(home, home, concat(new String[] {"dev", "up", "--registry-port", Integer.toString(ports[2])}, where));
            assertThat(up.exit()).as(up.toString()).isZero();
            long pid = DevBrokers.recordedPid(state).orElseThrow(() -> new AssertionError("no broker pid file:\n" + up));
            // what matters: the broker's real command line is longer than what the JDK shows of it
            String whole = String.join(" ", BackgroundProcess.commandLineOf(ProcessHandle.of(pid).orElseThrow()).orElseThrow());
            assertThat(whole.length()).isGreaterThan(4096);
            assertThat(whole).contains(home.resolve("target/broker-lib").toString());
            assertThat(ProcessHandle.of(pid).orElseThrow().info().commandLine().map(String::length).orElse(0)).isLessThanOrEqualTo(4096);

            Sluice.Result status = run(home, home, concat(new String[] {"dev", "status"}, where));
            assertThat(status.stdout()).as(status.toString()).contains("kafka: running on localhost:" + ports[0] + " (pid " + pid + ",");

            Sluice.Result quickstart = run(home, home, concat(new String[] {"quickstart", "--count", "2000", "--progress", "none"}, where));
            assertThat(quickstart.exit()).as(quickstart.toString()).isZero();
            assertThat(quickstart.stdout()).contains("1. kafka      reusing the dev broker on localhost:" + ports[0] + " (pid " + pid + ")")
                    .contains("read 2,000 new records, wrote 2,000 rows");
            assertThat(quickstart.stderr()).doesNotContain("NoSuchElementException");

            Sluice.Result down = run(home, home, concat(new String[] {"dev", "down"}, where));
            assertThat(down.exit()).as(down.toString()).isZero();
            assertThat(down.stdout() + down.stderr()).contains("kafka: stopping pid " + pid);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        } finally {
            DevBrokers.stop(state);
            DevBrokers.killRegistries(state);
        }
    }

    @Test
    void quickstartStartsItsOwnBrokerFromALongPath() throws Exception {
        Path home = checkout();
        Path state = home.resolve(".sluice");
        int[] ports = Sluice.freePorts(2);
        try {
            Sluice.Result q = run(home, home, "quickstart", "--count", "1000", "--progress", "none", "--dir", state.toString(),
                    "--port", Integer.toString(ports[0]), "--controller-port", Integer.toString(ports[1]));

            assertThat(q.exit()).as(q.toString()).isZero();
            long pid = DevBrokers.recordedPid(state).orElseThrow(() -> new AssertionError("no broker pid file:\n" + q));
            assertThat(q.stdout()).contains("1. kafka      started a local broker on localhost:" + ports[0] + " (pid " + pid + ", data in ");
            // the hint the quickstart ends with works as printed
            assertThat(q.stdout()).contains("query the tables with `bin/sluice query examples/quickstart.yaml"
                    + " \"select count(*) from sensor_events\"`");
            Sluice.Result count = run(home, home, "query", "examples/quickstart.yaml", "select count(*) from sensor_events");
            assertThat(count.exit()).as(count.toString()).isZero();
            assertThat(count.stdout().lines()).containsExactly("count_star()", "------------", "        1000");
        } finally {
            DevBrokers.stop(state);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
