package io.sluice.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pid-file identity check, against real processes whose command lines are longer than the JDK shows. */
class BackgroundProcessTest {
    @TempDir
    Path dir;

    /** A live process whose command line is about 6 KiB, with the main class and the identifying argument at its end. */
    private static Process longCommandLine(String mainClass, String identifying) throws Exception {
        String classpath = ("/a-rather-long-directory-name-for-a-checkout/clone/target/lib/some-library-1.2.3.jar:").repeat(70);
        return new ProcessBuilder("sh", "-c", "sleep 60", "sh", "-cp", classpath, mainClass, identifying).start();
    }

    @Test
    void aProcessWithACommandLineLongerThan4KiBIsStillRecognisedAsOurs() throws Exception {
        Process p = longCommandLine("kafka.Kafka", dir.resolve("server.properties").toString());
        try {
            assertThat(p.toHandle().info().commandLine().map(String::length).orElse(0))
                    .as("the JDK's view is cut short, as in a checkout with a long path").isLessThanOrEqualTo(4096);
            BackgroundProcess ours = new BackgroundProcess("kafka", dir.resolve("broker.pid"), "kafka.Kafka",
                    dir.resolve("server.properties").toString());

            assertThat(ours.isOurs(p.toHandle())).isTrue();
            ours.record(p.pid(), 9092, Map.of(), Instant.now());
            assertThat(ours.running()).as("the pid file survives the check").isPresent()
                    .hasValueSatisfying(r -> assertThat(r.handle().pid()).isEqualTo(p.pid()));
            assertThat(dir.resolve("broker.pid")).exists();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anotherDirectorysProcessIsNotOursEvenWithTheSameMainClass() throws Exception {
        Process p = longCommandLine("kafka.Kafka", "/elsewhere/server.properties");
        try {
            BackgroundProcess ours = new BackgroundProcess("kafka", dir.resolve("broker.pid"), "kafka.Kafka",
                    dir.resolve("server.properties").toString());
            ours.record(p.pid(), 9092, Map.of(), Instant.now());

            assertThat(ours.isOurs(p.toHandle())).isFalse();
            assertThat(ours.running()).isEmpty();
            assertThat(dir.resolve("broker.pid")).as("a pid of someone else's process is forgotten").doesNotExist();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
