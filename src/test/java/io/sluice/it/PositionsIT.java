package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a table holds decides where a run starts: positions are stored per table with the topic's id, so a recreated
 * topic, a second pipeline on the same table, or topics whose names collide in one table never load a record twice
 * or skip one without a word. Real broker, bin/sluice as a process, real DuckDB file.
 */
class PositionsIT {
    @TempDir
    Path dir;

    private Sluice.Result sluice(String... args) {
        return Sluice.run(dir, Map.of(), args);
    }

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    @Test
    void aRecreatedTopicStopsTheRunNamingTheTopicAndTheResetInsteadOfSkippingItsStart() throws Exception {
        String topic = Sluice.unique("recreate");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 1000, i -> "{\"gen\":1,\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("recreate", "topics: [" + topic + "]", "{}", "t"));
        assertThat(sluice("run", m.toString()).exit()).isZero();

        recreate(topic);
        TestBroker.produceJson(topic, 1, 3000, i -> "{\"gen\":2,\"i\":" + i + "}");
        Sluice.Result run = sluice("run", m.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("topic " + topic + " (stored for topic id ", "was deleted and recreated",
                "sluice offsets reset <manifest> --to earliest --yes");
        Sluice.Result plan = sluice("plan", m.toString());
        assertThat(plan.exit()).as(plan.toString()).isEqualTo(3);
        assertThat(plan.stderr()).contains("was deleted and recreated");
        assertThat(Sluice.queryLong(db(), "select count(*) from t where gen = 2")).isZero();

        Sluice.Result reset = sluice("offsets", "reset", m.toString(), "--to", "earliest", "--yes");
        assertThat(reset.exit()).as(reset.toString()).isZero();
        Sluice.Result again = sluice("run", m.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.stderr()).contains("read 3000, written 3000");
        assertThat(Sluice.queryLong(db(), "select count(distinct i) from t where gen = 2")).isEqualTo(3000);
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(4000);
    }

    @Test
    void aSecondPipelineOnTheSameTableContinuesAfterWhatTheTableHolds() {
        String topic = Sluice.unique("shared");
        TestBroker.createTopic(topic, 2);
        TestBroker.produceJson(topic, 2, 200, i -> "{\"i\":" + i + "}");
        Path first = Sluice.manifest(dir, Manifests.duckdb("first", "topics: [" + topic + "]", "{}", "events"));
        Path second = dir.resolve("second.yaml");
        try {
            java.nio.file.Files.writeString(second, Manifests.duckdb("second", "topics: [" + topic + "]", "{}", "events"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(sluice("run", first.toString()).exit()).isZero();

        Sluice.Result plan = sluice("plan", second.toString());
        assertThat(plan.exit()).as(plan.toString()).isZero();
        assertThat(plan.stderr()).contains("table events already holds records of " + topic + " loaded by pipeline first");
        assertThat(plan.stdout()).contains("records to read (at most): 0");
        Sluice.Result r = sluice("run", second.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("read 0, written 0", "loaded by pipeline first");

        TestBroker.produceJson(topic, 2, 50, i -> "{\"i\":" + (1000 + i) + "}");
        assertThat(sluice("run", second.toString()).stderr()).contains("read 50, written 50");
        assertThat(sluice("run", first.toString()).stderr()).contains("read 0, written 0");
        assertThat(Sluice.queryLong(db(), "select count(*) from events")).isEqualTo(250);
        assertThat(Sluice.queryLong(db(), "select count(distinct (_kafka_partition, _kafka_offset)) from events")).isEqualTo(250);
    }

    @Test
    void offsetsShowListsOnlyTheTopicsOfItsPipelineWhenPipelinesShareASink() throws Exception {
        String mine = Sluice.unique("mine").replace('-', '_');
        String theirs = Sluice.unique("theirs").replace('-', '_');
        TestBroker.createTopic(mine, 1);
        TestBroker.createTopic(theirs, 2);
        TestBroker.produceJson(mine, 1, 10, i -> "{\"i\":" + i + "}");
        TestBroker.produceJson(theirs, 2, 10, i -> "{\"i\":" + i + "}");
        Path a = Sluice.manifest(dir, Manifests.duckdb("a", "topics: [" + mine + "]", "{}", "{topic}"));
        Path b = dir.resolve("b.yaml");
        java.nio.file.Files.writeString(b, Manifests.duckdb("b", "topics: [" + theirs + "]", "{}", "{topic}"));
        assertThat(sluice("run", a.toString()).exit()).isZero();
        assertThat(sluice("run", b.toString()).exit()).isZero();
        Sluice.Result show = sluice("offsets", "show", a.toString(), "--format", "json");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.stdout()).contains(mine).doesNotContain(theirs);
    }

    @Test
    void topicsWhoseNamesCollideInOneTableAreRefusedUnlessMergedOnPurpose() {
        String prefix = Sluice.unique("clash").replace('-', '_');
        TestBroker.createTopic(prefix + ".orders-v1", 1);
        TestBroker.createTopic(prefix + "_orders.v1", 1);
        TestBroker.produceJson(prefix + ".orders-v1", 1, 10, i -> "{\"i\":" + i + "}");
        TestBroker.produceJson(prefix + "_orders.v1", 1, 7, i -> "{\"i\":" + i + "}");
        String regex = "topics_regex: \"" + prefix + ".orders.v1\"";
        Path m = Sluice.manifest(dir, Manifests.duckdb("clash", regex, "{}", "{topic}"));
        for (String command : List.of("plan", "run")) {
            Sluice.Result r = sluice(command, m.toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.stderr()).contains(prefix + ".orders-v1, " + prefix + "_orders.v1 all map to table " + prefix + "_orders_v1",
                    "sink.merge_topics: true");
        }
        assertThat(java.nio.file.Files.exists(db()) ? Sluice.queryLong(db(),
                "select count(*) from information_schema.tables where table_name = '" + prefix + "_orders_v1'") : 0).isZero();

        Path merged = Sluice.manifest(dir, Manifests.duckdb("clash", regex, "{}", "{topic}")
                .replace("table: \"{topic}\"}", "table: \"{topic}\", merge_topics: true}"));
        Sluice.Result r = sluice("run", merged.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Sluice.queryLong(db(), "select count(*) from " + prefix + "_orders_v1")).isEqualTo(17);
        assertThat(Sluice.queryLong(db(), "select count(distinct _kafka_topic) from " + prefix + "_orders_v1")).isEqualTo(2);
    }

    @Test
    void aTableDroppedSinceSluiceCreatedItIsLoadedAgainFromTheStartWithAWarning() throws Exception {
        String topic = Sluice.unique("dropped");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 30, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("dropped", "topics: [" + topic + "]", "{}", "t"));
        assertThat(sluice("run", m.toString()).exit()).isZero();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + db());
                java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TABLE t");
        }
        Sluice.Result r = sluice("run", m.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("table main.t was dropped since Sluice created it", "read 30, written 30");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(30);
        assertThat(sluice("run", m.toString()).stderr()).contains("read 0, written 0").doesNotContain("was dropped");
    }

    @Test
    void aTopicRecreatedWhileAContinuousRunReadsItStopsTheRun() throws Exception {
        String topic = Sluice.unique("live-recreate");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 20, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("liverec", "topics: [" + topic + "]",
                "{read_mode: continuous, batch_timeout_ms: 200, topic_refresh_ms: 300}", "t"));
        Path log = dir.resolve("continuous.log");
        Process p = Sluice.builder(dir, Map.of(), "run", m.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            TopicsAndModesIT.waitFor(() -> java.nio.file.Files.readString(log).contains("progress: 20 committed"), p, log);
            recreate(topic);
            TestBroker.produceJson(topic, 1, 50, i -> "{\"i\":" + (100 + i) + "}");
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the run stops by itself").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String out = java.nio.file.Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).contains("topic " + topic + " (stored for topic id ", "was deleted and recreated");
    }

    /** Deletes the topic and creates it again under the same name (a new topic id), waiting for the deletion to finish. */
    private static void recreate(String topic) throws Exception {
        TestBroker.admin().deleteTopics(Set.of(topic)).all().get();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                TestBroker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || Instant.now().isAfter(deadline)) {
                    throw new AssertionError("could not recreate topic " + topic + " within 30 s", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
