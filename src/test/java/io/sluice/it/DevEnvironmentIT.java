package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice dev up | status | down} as separate processes: a real broker JVM in the background, found by its pid. */
class DevEnvironmentIT {
    @TempDir
    Path work;

    /** Every state directory a test used; each one's broker is stopped afterwards, whatever happened. */
    private final List<Path> dirs = new ArrayList<>();

    @AfterEach
    void stopEveryBroker() {
        dirs.forEach(DevBrokers::stop);
    }

    private Path stateDir(String name) {
        Path d = work.resolve(name);
        dirs.add(d);
        return d;
    }

    private Sluice.Result dev(String command, Path dir, int port, int controllerPort, String... more) {
        List<String> args = new ArrayList<>(List.of("dev", command, "--dir", dir.toString(), "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort)));
        args.addAll(List.of(more));
        return Sluice.run(work, Map.of(), args.toArray(String[]::new));
    }

    @Test
    void upStartsAWorkingBrokerThatStatusReportsUpReusesAndDownStopsByItsPid() throws Exception {
        Path dir = stateDir(".sluice");
        int[] ports = Sluice.freePorts(2);
        int port = ports[0];
        int controller = ports[1];
        String bootstrap = "localhost:" + port;

        Sluice.Result up = dev("up", dir, port, controller);
        assertThat(up.exit()).as(up.toString()).isZero();
        assertThat(up.stdout()).contains("bootstrap servers: " + bootstrap)
                .contains("export KAFKA_BOOTSTRAP_SERVERS=" + bootstrap)
                .contains("stop with:         sluice dev down --dir " + dir);
        assertThat(up.stderr()).contains("kafka: starting a local broker on " + bootstrap);
        long pid = DevBrokers.recordedPid(dir).orElseThrow(() -> new AssertionError("no pid file after up:\n" + up));
        assertThat(DevBrokers.alive(pid)).isTrue();
        assertThat(up.stdout()).contains("kafka: running on " + bootstrap + " (pid " + pid + ",");

        assertBrokerWorks(bootstrap);

        Sluice.Result status = dev("status", dir, port, controller);
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("kafka: running on " + bootstrap + " (pid " + pid + ",");

        Sluice.Result again = dev("up", dir, port, controller);
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.stderr()).contains("kafka: already running on " + bootstrap + " (pid " + pid + ")")
                .doesNotContain("starting");
        assertThat(again.stdout()).contains("(pid " + pid + ",");
        assertThat(DevBrokers.recordedPid(dir)).contains(pid);

        Sluice.Result down = dev("down", dir, port, controller);
        assertThat(down.exit()).as(down.toString()).isZero();
        assertThat(down.stdout()).contains("kafka: stopped");
        assertThat(down.stderr()).contains("kafka: stopping pid " + pid);
        assertThat(DevBrokers.alive(pid)).as("pid %d after down", pid).isFalse();
        assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
        assertThat(dir.resolve("kafka/data")).isDirectory();

        Sluice.Result stopped = dev("status", dir, port, controller);
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(stopped.stdout()).contains("kafka: not running");

        Sluice.Result downAgain = dev("down", dir, port, controller);
        assertThat(downAgain.exit()).as(downAgain.toString()).isZero();
        assertThat(downAgain.stdout()).contains("kafka: not running (nothing to stop in " + dir.toAbsolutePath().normalize());

        Sluice.Result purge = dev("down", dir, port, controller, "--purge");
        assertThat(purge.exit()).as(purge.toString()).isZero();
        assertThat(purge.stdout()).contains("kafka: data deleted");
        assertThat(dir.resolve("kafka")).doesNotExist();
    }

    @Test
    void upOnAPortInUseFailsNamingThePortAndLeavesNothingRunning() throws Exception {
        Path dir = stateDir("taken");
        int controller = Sluice.freePorts(1)[0];
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Sluice.Result up = dev("up", dir, port, controller);

            assertThat(up.exit()).as(up.toString()).isEqualTo(1);
            assertThat(up.stderr()).contains("port " + port + " (for Kafka) is already in use");
            assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
            assertThat(DevBrokers.processesOf(dir)).isEmpty();
        }
    }

    @Test
    void downWithNothingRunningSucceedsAndSaysSo() {
        Path dir = stateDir("never-started");
        int[] ports = Sluice.freePorts(2);

        Sluice.Result down = dev("down", dir, ports[0], ports[1]);

        assertThat(down.exit()).as(down.toString()).isZero();
        assertThat(down.stdout()).contains("kafka: not running (nothing to stop in " + dir.toAbsolutePath().normalize() + ")");
        assertThat(down.stderr()).doesNotContain("stopping");
    }

    @Test
    void portsOutsideTheValidRangeAreRejectedBeforeAnythingStarts() {
        Path dir = stateDir("bad-port");

        Sluice.Result up = Sluice.run(work, Map.of(), "dev", "up", "--dir", dir.toString(), "--port", "65535");

        assertThat(up.exit()).as(up.toString()).isEqualTo(2);
        assertThat(up.stderr()).contains("--port and --controller-port must be two different ports in 1..65535")
                .contains("got 65535 and 65536, which is --port + 1");
        assertThat(dir).doesNotExist();
    }

    private static void assertBrokerWorks(String bootstrap) throws Exception {
        String topic = Sluice.unique("dev-up");
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions())
                    .hasSize(2);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 1, "k", "{\"hello\":\"dev\"}")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 1);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.key() + "=" + r.value());
                }
            }
            assertThat(values).containsExactly("k={\"hello\":\"dev\"}");
        }
    }
}
