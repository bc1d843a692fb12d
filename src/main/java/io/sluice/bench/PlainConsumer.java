package io.sluice.bench;

import io.sluice.pipeline.ProcessCpu;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's ceiling: a plain KafkaConsumer that reads a whole topic up to its end offsets and only
 * counts records and bytes, with the same fetch settings as Sluice's consumer. Runs in its own JVM; prints
 * {@code records=<n> bytes=<n> nanos=<n> cpu_nanos=<n>} on stdout, where {@code cpu_nanos} is this process's CPU time
 * over the same window as {@code nanos} (-1 when the JVM cannot tell).
 */
public final class PlainConsumer {
    private PlainConsumer() {}

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 << 20);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long t0 = System.nanoTime();
            long cpu0 = ProcessCpu.nanos();
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map((PartitionInfo i) -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
            end.values().removeIf(v -> v == 0);
            long records = 0;
            long bytes = 0;
            while (!end.isEmpty()) {
                ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length);
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
            long nanos = System.nanoTime() - t0;
            System.out.println("records=" + records + " bytes=" + bytes + " nanos=" + nanos + " cpu_nanos=" + ProcessCpu.since(cpu0));
        }
    }
}
