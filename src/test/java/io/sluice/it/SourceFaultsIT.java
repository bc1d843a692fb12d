package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source under faults while a run reads: the broker going away, retention deleting records, partitions appearing. */
class SourceFaultsIT {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    private Process start(Path manifest, Path log) throws Exception {
        return Sluice.builder(dir, Map.of(), "run", manifest.toString(), "--progress", "lines")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String manifest(String name, String bootstrap, String connectionExtra, String topics, String options) {
        return """
                name: %s
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s"%s}
                  %s
                  options: %s
                sink: {type: duckdb, path: warehouse.duckdb, table: t}
                """.formatted(name, bootstrap, connectionExtra, topics, options);
    }

    /** Waits for the run to end; one that does not is killed, so no test leaves a process behind. */
    private static boolean ended(Process p) throws InterruptedException {
        if (p.waitFor(60, TimeUnit.SECONDS)) {
            return true;
        }
        p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        return false;
    }

    private static long occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    // --- #7: the broker goes away during a run

    @Test
    void aBoundedRunWhoseBrokerGoesAwayStopsWithinTheTimeoutNamingItAndKeepsWhatItCommitted() throws Exception {
        String topic = Sluice.unique("gone");
        String clientId = Sluice.unique("sluice-gone");
        Path log = dir.resolve("bounded.log");
        String bootstrap;
        Process p;
        long lastCommitted;
        long killedAt;
        try (StoppableBroker broker = new StoppableBroker()) {
            bootstrap = broker.bootstrap();
            broker.createTopic(topic, 1);
            broker.produceOneBatchEach(topic, 3000);
            broker.throttle(clientId, 8000); // about 100 records/s: the run is still reading when the broker goes
            Path m = Sluice.manifest(dir, manifest("gone", bootstrap, ", timeout_ms: 3000, client_id: " + clientId
                    + ", properties: {max.partition.fetch.bytes: 1024, fetch.max.bytes: 1024}", "topics: [" + topic + "]",
                    "{batch_size: 50}"));
            p = start(m, log);
            try {
                TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: "), p, log);
            } catch (AssertionError e) {
                p.destroyForcibly();
                throw e;
            }
            lastCommitted = lastProgress(Files.readString(log));
            killedAt = System.nanoTime();
        }
        boolean ended = ended(p);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(ended).as("the run ends; log:\n" + Files.readString(log)).isTrue();
        System.out.println("bounded run: broker gone -> exit " + p.exitValue() + " after " + tookMs + " ms, "
                + lastCommitted + " records committed before");
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        // the probe right after the kill may still get an answer from the dying broker; either way the run names the
        // broker, the partition and offset, and the timeout (noticed in issue 10's CI run, left for the source-health code)
        assertThat(out).containsAnyOf("sluice: cannot reach Kafka at " + bootstrap + ": no records arrived for ",
                        "sluice: Kafka at " + bootstrap + " holds records past " + topic + "-0 at offset ")
                .contains("(reading up to 3000")
                .contains("(source.connection.timeout_ms: 3000)")
                .contains("Everything committed before is kept");
        // timeout_ms of polling, a 3 s probe, and the JVM's exit: far below what a hang would take
        assertThat(tookMs).as(out).isLessThan(30_000);
        long rows = Sluice.queryLong(db(), "select count(*) from t");
        assertThat(rows).isGreaterThanOrEqualTo(lastCommitted).isGreaterThan(0).isLessThan(3000);
        assertThat(Sluice.queryLong(db(), "select count(distinct _kafka_offset) from t")).isEqualTo(rows);
        assertThat(Sluice.queryLong(db(), "select max(next_offset) from _sluice_offsets")).isEqualTo(rows);
    }

    @Test
    void aContinuousRunWhoseBrokerGoesAwayWarnsUnhealthyEveryIntervalAndKeepsRetrying() throws Exception {
        String topic = Sluice.unique("gone-live");
        Path log = dir.resolve("continuous.log");
        String bootstrap;
        Process p;
        try (StoppableBroker broker = new StoppableBroker()) {
            bootstrap = broker.bootstrap();
            broker.createTopic(topic, 1);
            broker.produceOneBatchEach(topic, 20);
            Path m = Sluice.manifest(dir, manifest("gone_live", bootstrap, ", timeout_ms: 2000", "topics: [" + topic + "]",
                    "{read_mode: continuous, batch_timeout_ms: 200, topic_refresh_ms: 1000}"));
            p = start(m, log);
            try {
                TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: 20 committed"), p, log);
            } catch (AssertionError e) {
                p.destroyForcibly();
                throw e;
            }
        }
        try {
            TopicsAndModesIT.waitFor(() -> occurrences(Files.readString(log), "warning: unhealthy since ") >= 3, p, log);
            assertThat(p.isAlive()).isTrue();
            String out = Files.readString(log);
            assertThat(out).contains(": cannot reach Kafka at " + bootstrap + ": no records arrived for ")
                    .contains("while reading " + topic + "-0 at offset 20, and the broker did not answer within 2000 ms"
                            + " (source.connection.timeout_ms: 2000); retrying, next check in 2000 ms."
                            + " What was committed is kept, and reading resumes where it stopped.")
                    .contains("warning: could not look for new partitions: cannot reach Kafka at " + bootstrap);
        } finally {
            p.destroy(); // SIGTERM
        }
        assertThat(ended(p)).as(Files.readString(log)).isTrue();
        assertThat(Files.readString(log)).contains("pipeline gone_live: read 20, written 20");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(20);
    }

    @Test
    void aBoundedRunWhoseTopicIsDeletedWhileItReadsStopsNamingThePartition() throws Exception {
        String topic = Sluice.unique("deleted");
        String clientId = Sluice.unique("sluice-deleted");
        TestBroker.createTopic(topic, 1);
        StoppableBroker.produceOneBatchEach(TestBroker.bootstrap(), topic, 3000);
        StoppableBroker.throttle(TestBroker.admin(), clientId, 8000);
        Path log = dir.resolve("deleted.log");
        Process p = start(Sluice.manifest(dir, manifest("deleted", TestBroker.bootstrap(), ", timeout_ms: 3000, client_id: "
                + clientId + ", properties: {max.partition.fetch.bytes: 1024, fetch.max.bytes: 1024}", "topics: [" + topic + "]",
                "{batch_size: 50}")), log);
        try {
            TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: "), p, log);
            TestBroker.admin().deleteTopics(List.of(topic)).all().get();
        } finally {
            assertThat(ended(p)).as(Files.readString(log)).isTrue();
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        // the broker's metadata may still list the deleted topic for a while, so either wording names the partition
        assertThat(out).contains("sluice: Kafka at " + TestBroker.bootstrap() + " ").contains(topic + "-0 at offset ")
                .contains("Everything committed before is kept");
    }

    private static long lastProgress(String log) {
        Matcher m = Pattern.compile("progress: (\\d+)(?: of \\d+)? committed").matcher(log);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    // --- #15: retention deletes records the run has not read yet

    @Test
    void recordsDeletedByRetentionWhileARunReadsAreReportedWithTheirRange() throws Exception {
        String topic = Sluice.unique("purged");
        TopicPartition p0 = new TopicPartition(topic, 0);
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 10, i -> "{\"i\":" + i + "}");
        Path log = dir.resolve("purged.log");
        Process p = start(Sluice.manifest(dir, Manifests.duckdb("purged", "topics: [" + topic + "]",
                "{read_mode: continuous, batch_timeout_ms: 200}", "t")), log);
        try {
            TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: 10 committed"), p, log);
            // an open transaction at offset 10 holds the reader there (read_committed), deterministically
            try (KafkaProducer<String, String> txn = TestBroker.producer(Map.of("transactional.id", topic, "enable.idempotence", true))) {
                txn.initTransactions();
                txn.beginTransaction();
                txn.send(new ProducerRecord<>(topic, 0, null, "{\"i\":10}"));
                txn.flush();
                TestBroker.produceJson(topic, 1, 50, i -> "{\"i\":" + (11 + i) + "}"); // offsets 11..60
                TestBroker.deleteRecordsBefore(p0, 40);
                txn.commitTransaction(); // its marker is offset 61
            }
            TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: 62 committed"), p, log);
            assertThat(Files.readString(log)).contains("warning: " + topic + "-0: records 10..39 were deleted by retention"
                    + " before they were read; continuing at 40 (deleted while this run was reading)");
        } finally {
            p.destroy();
        }
        assertThat(ended(p)).isTrue();
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(31);
        assertThat(Sluice.queryLong(db(), "select count(*) from t where _kafka_offset between 10 and 39")).isZero();
        assertThat(Sluice.queryLong(db(), "select max(next_offset) from _sluice_offsets")).isEqualTo(62);
    }

    // --- #16: partitions that appear during a continuous run

    @Test
    void partitionsAndTopicsThatAppearDuringAContinuousRunStartAtTheirEarliestOffsetEvenWithLatest() throws Exception {
        String prefix = Sluice.unique("appear");
        String a = prefix + "-a";
        String b = prefix + "-b";
        TestBroker.createTopic(a, 1);
        TestBroker.produceJson(a, 1, 10, i -> "{\"old\":" + i + "}"); // before the run: skipped by latest
        Path log = dir.resolve("appear.log");
        Process p = start(Sluice.manifest(dir, Manifests.duckdb("appear", "topics_regex: \"" + prefix + "-.*\"",
                "{read_mode: continuous, initial_position: latest, batch_timeout_ms: 200, topic_refresh_ms: 6000}", "t")), log);
        try {
            // the first refresh is 6 s after the plan: everything below is written before it sees the new partitions
            TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("planned "), p, log);
            TestBroker.createTopic(b, 1);
            TestBroker.admin().createPartitions(Map.of(a, NewPartitions.increaseTo(2))).all().get();
            try (KafkaProducer<String, String> producer = TestBroker.producer(Map.of())) {
                for (int i = 0; i < 7; i++) {
                    producer.send(new ProducerRecord<>(b, 0, null, "{\"b\":" + i + "}"));
                }
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(a, 1, null, "{\"a1\":" + i + "}"));
                }
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(a, 0, null, "{\"a0\":" + i + "}"));
                }
            }
            TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("new partitions: "), p, log);
            TopicsAndModesIT.waitFor(() -> Files.readString(log).contains("progress: 15 committed"), p, log);
        } finally {
            p.destroy();
        }
        assertThat(ended(p)).isTrue();
        assertThat(Files.readString(log)).contains("new partitions: [" + a + "-1, " + b + "-0]");
        assertThat(Sluice.query(db(), "select _kafka_topic, _kafka_partition, count(*) from t group by all order by all"))
                .containsExactly(List.of(a, 0, 3L), List.of(a, 1, 5L), List.of(b, 0, 7L));
    }
}
