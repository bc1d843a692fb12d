package io.sluice.source;

import io.sluice.manifest.KafkaConnection;
import io.sluice.manifest.SourceOptions;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Builds Kafka clients from a manifest's connection. */
public final class KafkaClients {
    private KafkaClients() {}

    /** Properties for a consumer that Sluice positions itself (no auto commit, read committed). */
    public static Properties consumerProperties(KafkaConnection c, SourceOptions o) {
        Properties p = connectionProperties(c);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(o.batchSize(), 10_000)));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 << 20);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        o.groupId().ifPresent(g -> p.put(ConsumerConfig.GROUP_ID_CONFIG, g));
        p.putAll(c.properties().values());
        // what exactly-once rests on comes last, so no pass-through property can change it (the manifest refuses them too)
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // never jump on its own: PartitionReader reports records deleted before they were read, and where it goes on
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // a reader never creates topics: a topic deleted under a run would come back empty and hide what happened
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return p;
    }

    /** Address, security and timeouts, shared by every client Sluice makes on a connection. */
    private static Properties connectionProperties(KafkaConnection c) {
        Properties p = new Properties();
        p.put("bootstrap.servers", c.bootstrapServers());
        p.put("client.id", c.clientId());
        c.securityProtocol().ifPresent(v -> p.put("security.protocol", v));
        c.saslMechanism().ifPresent(m -> {
            p.put("sasl.mechanism", m);
            String module = m.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + escape(c.saslUsername().orElse(""))
                    + "\" password=\"" + escape(c.saslPassword().map(s -> s.reveal()).orElse("")) + "\";");
        });
        c.sslCaLocation().ifPresent(ca -> {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", ca);
        });
        long timeout = c.timeout().toMillis();
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout, 30_000));
        return p;
    }

    /** An admin client on the same connection, for metadata a consumer cannot give (topic ids). */
    public static Admin admin(KafkaConnection c) {
        Properties all = connectionProperties(c);
        all.putAll(c.properties().values());
        Properties p = new Properties();
        all.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains((String) k)) {
                p.put(k, v);
            }
        });
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new SluiceException(Stage.CONNECT, "cannot create a Kafka admin client for " + c.bootstrapServers() + ": " + cause, e);
        }
    }

    public static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection c, SourceOptions o) {
        try {
            return new KafkaConsumer<>(consumerProperties(c, o), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new SluiceException(Stage.CONNECT, "cannot create a Kafka consumer for " + c.bootstrapServers() + ": " + cause, e);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
