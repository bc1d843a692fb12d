package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM and SIGINT sent to a real `sluice run` process: exit codes, summaries, and what stays committed. */
class SignalsIT {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    @Test
    void aBoundedRunStoppedBySigtermExits143SaysItStoppedEarlyAndKeepsWhatItCommitted() throws Exception {
        int records = 400_000;
        String topic = Sluice.unique("sigterm");
        TestBroker.createTopic(topic, 2);
        TestBroker.produceJson(topic, 2, records, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("slice", "topics: [" + topic + "]", "{batch_size: 2000}", "t"));
        Path log = dir.resolve("run.log");

        Process p = Sluice.builder(dir, Map.of(), "run", m.toString(), "--progress", "lines").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        // the first progress line comes after a commit and 2 s, when the run is under way
        TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: "), p, log);
        signal(p, "TERM");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
        String out = Files.readString(log);

        assertThat(p.exitValue()).as(out).isEqualTo(143);
        assertThat(out).contains("sluice: SIGTERM: stopping after the current batch is committed (SIGTERM again to abort)")
                .containsPattern("pipeline slice: SIGTERM stopped it before the end of its slice: read \\d+, written \\d+, skipped 0"
                        + " in \\d+ batch(es)? \\(t=\\d+\\) in [\\d.]+ s, \\d+ records/s; committed \\d+ of 400000 \\(\\d+%\\),"
                        + " the next run goes on from there");
        long kept = Sluice.queryLong(db(), "select count(*) from t");
        assertThat(kept).isPositive().isLessThan(records);
        assertThat(Sluice.queryLong(db(), "select sum(next_offset) from _sluice_offsets where pipeline = 'slice'")).isEqualTo(kept);
        assertThat(out).contains("committed " + kept + " of 400000");

        Sluice.Result rest = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(rest.exit()).as(rest.toString()).isZero();
        assertThat(rest.stderr()).contains("pipeline slice: read " + (records - kept) + ", written " + (records - kept));
        assertThat(Sluice.queryLong(db(), "select count(distinct i) from t")).isEqualTo(records);
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(records);
    }

    @Test
    void aContinuousRunStopsWithExit0OnTheFirstSigintAndASecondSigintSaysWhatItAborted() throws Exception {
        String topic = Sluice.unique("sigint");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 50, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("live", "topics: [" + topic + "]",
                "{read_mode: continuous, batch_timeout_ms: 200}", "t"));

        Path log = dir.resolve("first.log");
        Process p = Sluice.builder(dir, Map.of(), "run", m.toString(), "--progress", "lines").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: 50 committed"), p, log);
        signal(p, "INT");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as("a continuous run ends by a stop: " + out).isZero();
        assertThat(out).contains("sluice: SIGINT: stopping after the current batch is committed")
                .contains("pipeline live: read 50, written 50").doesNotContain("before the end");

        Path log2 = dir.resolve("second.log");
        Process q = Sluice.builder(dir, Map.of(), "run", m.toString(), "--progress", "lines").redirectErrorStream(true)
                .redirectOutput(log2.toFile()).start();
        TopicsAndModesIT.waitFor(() -> Files.readString(log2).contains("planned 1 partition"), q, log2);
        TestBroker.produceJson(topic, 1, 20, i -> "{\"i\":" + (100 + i) + "}");
        TopicsAndModesIT.waitFor(() -> Files.readString(log2).contains("progress: 20 committed"), q, log2);
        signal(q, "INT");
        signal(q, "INT");
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out2 = Files.readString(log2);
        assertThat(q.exitValue()).as(out2).isEqualTo(130);
        assertThat(out2).contains("sluice: SIGINT again: aborting now. Pipeline live: ")
                .contains("the 20 records committed before stay.");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(70);
    }

    private static void signal(Process p, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
