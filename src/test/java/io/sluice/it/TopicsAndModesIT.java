package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regex topics, read modes and bounded edge cases against the real broker, through bin/sluice. */
class TopicsAndModesIT {
    @TempDir
    Path dir;

    private Sluice.Result run(String manifest, String... extra) {
        Path m = Sluice.manifest(dir, manifest);
        String[] args = new String[extra.length + 2];
        args[0] = "run";
        args[1] = m.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        Sluice.Result r = Sluice.run(dir, Map.of(), args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    @Test
    void regexPicksUpATopicCreatedBetweenRuns() {
        String prefix = Sluice.unique("rx");
        TestBroker.createTopic(prefix + ".orders", 2);
        TestBroker.createTopic(Sluice.unique("other"), 1);
        TestBroker.produceJson(prefix + ".orders", 2, 50, i -> "{\"n\":" + i + "}");
        String manifest = Manifests.duckdb("rx", "topics_regex: \"" + prefix.replace("-", "\\\\-") + "\\\\..*\"", "{}", "{topic}");
        run(manifest);
        String orders = (prefix + "_orders").replace('-', '_');
        assertThat(Sluice.queryLong(db(), "select count(*) from " + orders)).isEqualTo(50);

        TestBroker.createTopic(prefix + ".refunds", 3);
        TestBroker.produceJson(prefix + ".refunds", 3, 30, i -> "{\"r\":" + i + "}");
        TestBroker.produceJson(prefix + ".orders", 2, 10, i -> "{\"n\":" + (100 + i) + "}");
        Sluice.Result second = run(manifest);
        assertThat(second.stderr()).contains("read 40, written 40");
        assertThat(Sluice.queryLong(db(), "select count(*) from " + orders)).isEqualTo(60);
        assertThat(Sluice.queryLong(db(), "select count(*) from " + orders.replace("orders", "refunds"))).isEqualTo(30);
    }

    @Test
    void emptyPartitionsTransactionMarkersAndAbortedRecordsEndTheRun() throws Exception {
        String topic = Sluice.unique("txn");
        TestBroker.createTopic(topic, 4); // partition 3 stays empty
        try (KafkaProducer<String, String> p = TestBroker.producer(Map.of("transactional.id", topic, "enable.idempotence", true))) {
            p.initTransactions();
            for (int t = 0; t < 5; t++) {
                p.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    p.send(new ProducerRecord<>(topic, i % 3, null, "{\"t\":" + t + ",\"i\":" + i + "}"));
                }
                if (t == 2) {
                    p.flush(); // so the aborted records really are in the log
                    p.abortTransaction();
                } else {
                    p.commitTransaction();
                }
            }
        }
        Sluice.Result r = run(Manifests.duckdb("txn", "topics: [" + topic + "]", "{batch_size: 7}", "t"));
        assertThat(r.stderr()).contains("read 80, written 80");
        assertThat(Sluice.queryLong(db(), "select count(*) from t where t = 2")).as("aborted records").isZero();
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(80);
        // each partition's stored next offset is past the last commit marker: the high watermark itself
        assertThat(Sluice.query(db(), "select \"partition\", next_offset from _sluice_offsets order by 1"))
                .containsExactly(List.of(0, 40L), List.of(1, 40L), List.of(2, 35L), List.of(3, 0L));
        Sluice.Result again = run(Manifests.duckdb("txn", "topics: [" + topic + "]", "{batch_size: 7}", "t"));
        assertThat(again.stderr()).contains("read 0, written 0");
    }

    @Test
    void startsAtTheLogStartWhenTheFirstOffsetsWereDeletedByRetention() {
        String topic = Sluice.unique("retention");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 100, i -> "{\"i\":" + i + "}");
        TestBroker.deleteRecordsBefore(new TopicPartition(topic, 0), 40);
        run(Manifests.duckdb("ret", "topics: [" + topic + "]", "{}", "t"));
        assertThat(Sluice.queryLong(db(), "select min(_kafka_offset) from t")).isEqualTo(40);
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(60);

        // stored offset 100; more records arrive and the ones not yet read get deleted: a warning, not a failure
        TestBroker.produceJson(topic, 1, 50, i -> "{\"i\":" + (100 + i) + "}");
        TestBroker.deleteRecordsBefore(new TopicPartition(topic, 0), 120);
        Sluice.Result r = run(Manifests.duckdb("ret", "topics: [" + topic + "]", "{}", "t"));
        assertThat(r.stderr()).contains("records 100..119 were deleted by retention before they were read; continuing at 120");
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(90);
    }

    @Test
    void maxRecordsReadsAtMostThatManyAndResumes() {
        String topic = Sluice.unique("maxrec");
        TestBroker.createTopic(topic, 3);
        TestBroker.produceJson(topic, 3, 99, i -> "{\"i\":" + i + "}");
        String manifest = Manifests.duckdb("mr", "topics: [" + topic + "]", "{read_mode: max_records, max_records: 40}", "t");
        run(manifest);
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(40);
        run(manifest);
        run(manifest);
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(99);
        assertThat(Sluice.queryLong(db(), "select count(distinct (_kafka_partition, _kafka_offset)) from t")).isEqualTo(99);
    }

    @Test
    void timeWindowReadsRecordsWhoseTimestampsFallInside() {
        String topic = Sluice.unique("window");
        TestBroker.createTopic(topic, 2);
        Instant base = Instant.parse("2026-03-01T00:00:00Z");
        try (KafkaProducer<String, String> p = TestBroker.producer(Map.of())) {
            for (int i = 0; i < 60; i++) {
                long ts = base.plus(Duration.ofMinutes(i)).toEpochMilli();
                p.send(new ProducerRecord<>(topic, i % 2, ts, null, "{\"minute\":" + i + "}"));
            }
        }
        run(Manifests.duckdb("tw", "topics: [" + topic + "]",
                "{read_mode: time_window, time_window: {from: \"2026-03-01T00:10:00Z\", to: \"2026-03-01T00:20:00Z\"}}", "t"));
        assertThat(Sluice.queryLong(db(), "select count(*) from t")).isEqualTo(10);
        assertThat(Sluice.queryLong(db(), "select min(minute) from t")).isEqualTo(10);
        assertThat(Sluice.queryLong(db(), "select max(minute) from t")).isEqualTo(19);
    }

    @Test
    void continuousModePicksUpNewTopicsAndCommitsTheBatchInHandOnSigterm() throws Exception {
        String prefix = Sluice.unique("live");
        TestBroker.createTopic(prefix + "-a", 2);
        TestBroker.produceJson(prefix + "-a", 2, 100, i -> "{\"i\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("live", "topics_regex: \"" + prefix + "-.*\"",
                "{read_mode: continuous, batch_timeout_ms: 200, topic_refresh_ms: 500}", "events"));
        Path log = dir.resolve("continuous.log");
        Process p = Sluice.builder(dir, Map.of(), "run", m.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            waitFor(() -> Files.readString(log).contains("progress: 100 committed"), p, log);
            TestBroker.createTopic(prefix + "-b", 1);
            TestBroker.produceJson(prefix + "-b", 1, 25, i -> "{\"j\":" + i + "}");
            waitFor(() -> Files.readString(log).contains("new partitions: [" + prefix + "-b-0]"), p, log);
            waitFor(() -> Files.readString(log).contains("progress: 125 committed"), p, log);
        } finally {
            p.destroy(); // SIGTERM
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("pipeline live: read 125, written 125");
        assertThat(Sluice.queryLong(db(), "select count(*) from events")).isEqualTo(125);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.ok()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("condition not met; process alive=" + p.isAlive() + ", log:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }
}
