package io.sluice.it;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A KRaft broker of its own in the test JVM, for a test that takes it away in the middle of a run. */
final class StoppableBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final Admin admin;
    private boolean stopped;

    StoppableBroker() throws Exception {
        TestBroker.bootstrap(); // installs the exit procedures that keep a broker from ending the test JVM
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        admin = Admin.create(p);
    }

    String bootstrap() {
        return cluster.bootstrapServers();
    }

    void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    /** Sends {@code count} small JSON records to partition 0, each in its own record batch, so fetches can be small. */
    void produceOneBatchEach(String topic, int count) {
        produceOneBatchEach(bootstrap(), topic, count);
    }

    static void produceOneBatchEach(String bootstrap, String topic, int count) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("batch.size", 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "{\"i\":" + i + "}"));
            }
            producer.flush();
        }
    }

    /** Throttles consumers with this client id to {@code bytesPerSecond}, so a run takes a while. */
    void throttle(String clientId, double bytesPerSecond) throws Exception {
        throttle(admin, clientId, bytesPerSecond);
    }

    static void throttle(Admin admin, String clientId, double bytesPerSecond) throws Exception {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity,
                List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", bytesPerSecond))))).all().get();
    }

    /** Takes the broker away: its port refuses connections from now on. */
    void stop() throws Exception {
        if (!stopped) {
            stopped = true;
            admin.close(java.time.Duration.ofSeconds(1));
            cluster.close();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
