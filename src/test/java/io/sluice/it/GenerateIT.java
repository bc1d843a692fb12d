package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice generate} as a separate process against the test broker. */
class GenerateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String START = "2024-03-01T08:00:00Z";

    @TempDir
    Path dir;

    private Sluice.Result generate(String... args) {
        List<String> all = new ArrayList<>(List.of("generate", "-b", TestBroker.bootstrap()));
        all.addAll(List.of(args));
        return Sluice.run(dir, Map.of(), all.toArray(String[]::new));
    }

    @Test
    void createsTheTopicAndProducesExactlyCountSensorEventsKeyedByMachine() throws Exception {
        String topic = Sluice.unique("generated");

        Sluice.Result r = generate("--topic", topic, "--count", "2500", "--partitions", "3", "--seed", "7", "--start", START);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("generated 2500 sensor events").contains("to " + topic + " (3 partitions)");
        assertThat(r.stderr()).contains("created topic " + topic + " with 3 partitions");
        assertThat(TestBroker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions()).hasSize(3);
        assertThat(endOffsets(topic, 3)).isEqualTo(2500);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 3, 2500);
        assertThat(records).hasSize(2500);
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            JsonNode event = JSON.readTree(rec.value());
            String where = topic + "-" + rec.partition() + "@" + rec.offset();
            assertThat(event.path("machine_id").asText()).as(where).matches("M-\\d{4}");
            assertThat(Instant.parse(event.path("event_time").asText())).as(where).isAfterOrEqualTo(Instant.parse(START));
            assertThat(event.path("readings").path("temperature").isNumber()).as(where).isTrue();
            assertThat(event.path("location").path("plant").asText()).as(where).startsWith("PLANT-");
            assertThat(new String(rec.key(), StandardCharsets.UTF_8)).as(where).isEqualTo(event.path("machine_id").asText());
        }
        assertThat(records.stream().map(rec -> rec.partition()).distinct()).hasSize(3);
    }

    @Test
    void theSameSeedAndStartGiveTheSameEventsByteForByte() throws Exception {
        String first = Sluice.unique("seeded-a");
        String second = Sluice.unique("seeded-b");
        String other = Sluice.unique("seeded-c");

        for (String[] run : List.of(new String[] {first, "11"}, new String[] {second, "11"}, new String[] {other, "12"})) {
            Sluice.Result r = generate("--topic", run[0], "--count", "500", "--partitions", "3", "--seed", run[1], "--start", START);
            assertThat(r.exit()).as(r.toString()).isZero();
        }

        Map<Long, String> a = bySequence(readAll(first, 3, 500));
        Map<Long, String> b = bySequence(readAll(second, 3, 500));
        Map<Long, String> c = bySequence(readAll(other, 3, 500));
        assertThat(a).hasSize(500).isEqualTo(b);
        assertThat(a.keySet()).isEqualTo(c.keySet());
        assertThat(a.get(0L)).isNotEqualTo(c.get(0L));
    }

    @Test
    void rateSpreadsTheEventsOverTime() throws Exception {
        String topic = Sluice.unique("paced");

        Sluice.Result r = generate("--topic", topic, "--count", "20", "--rate", "10", "--partitions", "1", "--start", START);

        assertThat(r.exit()).as(r.toString()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 1, 20);
        assertThat(records).hasSize(20);
        // record timestamps are the producer's clock at send: 20 events at 10/s span about 1.9 s
        long firstSent = records.stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        long lastSent = records.stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        assertThat(lastSent - firstSent).as("ms between the first and the last send").isGreaterThanOrEqualTo(1500);
        // event times follow the rate exactly: 100 ms apart
        List<Instant> eventTimes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            eventTimes.add(Instant.parse(JSON.readTree(rec.value()).path("event_time").asText()));
        }
        assertThat(eventTimes).containsExactlyElementsOf(
                IntStream.range(0, 20).mapToObj(i -> Instant.parse(START).plusMillis(100L * i)).toList());
    }

    @Test
    void aBrokerThatIsDownFailsFastNamingTheAddress() {
        int port = Sluice.freePorts(1)[0];
        long t0 = System.nanoTime();

        Sluice.Result r = Sluice.run(dir, Map.of(), "generate", "-b", "localhost:" + port, "--topic", Sluice.unique("nowhere"),
                "--count", "10", "--timeout", "3");

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("time to fail").isLessThan(Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("cannot reach Kafka at localhost:" + port + " within 3 s")
                .contains("sluice dev up");
        assertThat(r.stdout()).isEmpty();
    }

    private static long endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return TestBroker.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }

    /** Every record of the topic, partition by partition in offset order; waits until {@code expected} have come. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", TestBroker.bootstrap());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(i -> new TopicPartition(topic, i)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // anything beyond the expected count would show up here
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        out.sort(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** Values by the event's sequence number, as exact bytes (ISO-8859-1 maps each byte to one char). */
    private static Map<Long, String> bySequence(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<Long, String> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            out.put(JSON.readTree(rec.value()).path("sequence").asLong(), new String(rec.value(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}
