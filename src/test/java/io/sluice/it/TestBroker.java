package io.sluice.it;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One real KRaft broker (combined broker+controller) in the test JVM, shared by every integration test. */
public final class TestBroker {
    private static KafkaClusterTestKit cluster;
    private static Admin admin;

    private TestBroker() {}

    public static synchronized String bootstrap() {
        if (cluster == null) {
            start();
        }
        return cluster.bootstrapServers();
    }

    private static void start() {
        // the in-JVM broker must never end the test JVM: a Kafka exit or halt (e.g. a log-dir error while it
        // shuts down in the hook below) would fail the whole failsafe run with a bare non-zero fork exit
        Exit.Procedure report = (code, message) -> System.err.println("test broker wanted to exit(" + code + "): " + message);
        Exit.setExitProcedure(report);
        Exit.setHaltProcedure(report);
        try {
            TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    .setNumControllerNodes(1).build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.close();
                } catch (Exception e) {
                    // the JVM is going away
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test broker", e);
        }
    }

    public static synchronized Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap());
            admin = Admin.create(p);
        }
        return admin;
    }

    public static void createTopic(String topic, int partitions) {
        try {
            admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteRecordsBefore(TopicPartition p, long offset) {
        try {
            admin().deleteRecords(Map.of(p, RecordsToDelete.beforeOffset(offset))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("linger.ms", 5);
        p.put("batch.size", 262144);
        p.putAll(extra);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * Sends {@code count} JSON records round-robin over {@code partitions} partitions, keyed "k{i}", and fails unless the
     * broker acknowledged every one of them.
     *
     * <p>Not idempotent, one request in flight per partition: right after a topic is created the broker may answer
     * NOT_LEADER_OR_FOLLOWER, and an idempotent producer can then get stuck in OUT_OF_ORDER_SEQUENCE_NUMBER retries until
     * its delivery timeout drops a batch; retried one at a time, records keep their order and nothing is dropped.
     */
    public static void produceJson(String topic, int partitions, int count, java.util.function.IntFunction<String> value) {
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
        try (KafkaProducer<String, String> p = producer(Map.of("enable.idempotence", false, "acks", "all",
                "max.in.flight.requests.per.connection", 1))) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, value.apply(i)), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
            }
            p.flush();
        }
        if (failed.get() != null || acked.get() != count) {
            throw new IllegalStateException("the test producer could not write " + count + " records to " + topic + ": "
                    + acked.get() + " acknowledged", failed.get());
        }
    }
}
