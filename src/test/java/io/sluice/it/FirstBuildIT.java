package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/sluice in a checkout without target/: it builds first. Maven 3.8's jansi prints ESC[0m even with -q -B; the
 * build step must pass no colour codes on. A stand-in `mvn` on PATH prints such codes, records how it was called,
 * and lays out target/ from the real build, so the test needs no real build.
 */
class FirstBuildIT {
    @TempDir
    Path work;

    @Test
    void theFirstBuildPrintsPlainTextWithoutAnsiEscapes() throws Exception {
        Path home = work.resolve("checkout");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(Sluice.HOME.resolve("bin/sluice"), home.resolve("bin/sluice"), StandardCopyOption.COPY_ATTRIBUTES);
        Path fakeBin = Files.createDirectories(work.resolve("fake-bin"));
        Path calls = work.resolve("mvn-calls.txt");
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                echo "args: $* MAVEN_OPTS: ${MAVEN_OPTS:-}" >> '%s'
                printf '\\033[0m\\033[0m'
                printf '\\033[1;31mcompiling\\033[m\\n' >&2
                mkdir -p target
                cp '%s' target/sluice.jar
                ln -s '%s' target/lib
                ln -s '%s' target/broker-lib
                """.formatted(calls, Sluice.HOME.resolve("target/sluice.jar"), Sluice.HOME.resolve("target/lib"),
                Sluice.HOME.resolve("target/broker-lib")));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/sluice").toString(), "--version").directory(work.toFile());
        pb.environment().put("PATH", fakeBin + ":" + System.getenv("PATH"));
        pb.environment().put("SLUICE_JAVA_OPTS", Sluice.JAVA_OPTS);
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(Files.readString(out)).isEqualTo("sluice 0.1.0\n");
        assertThat(stderr).startsWith("sluice: building (first run only)...\n").contains("compiling").doesNotContain("\u001b");
        assertThat(Files.readString(calls)).contains("-q -B -Dstyle.color=never -DskipTests package")
                .contains("MAVEN_OPTS:  -Djansi.noreset=true");
    }
}
