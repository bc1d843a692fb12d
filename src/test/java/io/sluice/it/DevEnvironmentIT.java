package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

/**
 * {@code sluice dev up | status | down} as separate processes: a real broker JVM and a schema registry JVM in the
 * background, found by their pids.
 */
class DevEnvironmentIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    /** Every state directory a test used; each one's broker is stopped afterwards, whatever happened. */
    private final List<Path> dirs = new ArrayList<>();

    @AfterEach
    void stopEveryBroker() {
        dirs.forEach(DevBrokers::stop);
        dirs.forEach(DevEnvironmentIT::killRegistries);
    }

    private Path stateDir(String name) {
        Path d = work.resolve(name);
        dirs.add(d);
        return d;
    }

    private Sluice.Result dev(String command, Path dir, int port, int controllerPort, int registryPort, String... more) {
        List<String> args = new ArrayList<>(List.of("dev", command, "--dir", dir.toString(), "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort), "--registry-port", Integer.toString(registryPort)));
        args.addAll(List.of(more));
        return Sluice.run(work, Map.of(), args.toArray(String[]::new));
    }

    @Test
    void upStartsAWorkingBrokerThatStatusReportsUpReusesAndDownStopsByItsPid() throws Exception {
        Path dir = stateDir(".sluice");
        int[] ports = Sluice.freePorts(3);
        int port = ports[0];
        int controller = ports[1];
        int registryPort = ports[2];
        String bootstrap = "localhost:" + port;
        String registryUrl = "http://localhost:" + registryPort;

        Sluice.Result up = dev("up", dir, port, controller, registryPort);
        assertThat(up.exit()).as(up.toString()).isZero();
        assertThat(up.stdout()).contains("bootstrap servers: " + bootstrap)
                .contains("export KAFKA_BOOTSTRAP_SERVERS=" + bootstrap)
                .contains("schema registry: " + registryUrl + "\n")
                .contains("export SCHEMA_REGISTRY_URL=" + registryUrl)
                .contains("stop with:         sluice dev down --dir " + dir);
        assertThat(up.stderr()).contains("kafka: starting a local broker on " + bootstrap)
                .contains("schema registry: starting on " + registryUrl);
        long pid = DevBrokers.recordedPid(dir).orElseThrow(() -> new AssertionError("no pid file after up:\n" + up));
        long registryPid = registryPid(dir).orElseThrow(() -> new AssertionError("no registry pid file after up:\n" + up));
        assertThat(DevBrokers.alive(pid)).isTrue();
        assertThat(DevBrokers.alive(registryPid)).isTrue();
        assertThat(up.stdout()).contains("kafka: running on " + bootstrap + " (pid " + pid + ",")
                .contains("schema registry: running on " + registryUrl + " (pid " + registryPid + ",");

        assertBrokerWorks(bootstrap);
        String subject = Sluice.unique("dev-up") + "-value";
        int id = registerSchema(registryUrl, subject, "{\"type\":\"record\",\"name\":\"Dev\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

        Sluice.Result status = dev("status", dir, port, controller, registryPort);
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("kafka: running on " + bootstrap + " (pid " + pid + ",")
                .contains("schema registry: running on " + registryUrl + " (pid " + registryPid + ",");
        Sluice.Result json = dev("status", dir, port, controller, registryPort, "--format", "json");
        assertThat(json.exit()).as(json.toString()).isZero();
        JsonNode registryJson = JSON.readTree(json.stdout()).get("schema_registry");
        assertThat(registryJson.get("running").asBoolean()).isTrue();
        assertThat(registryJson.get("pid").asLong()).isEqualTo(registryPid);
        assertThat(registryJson.get("port").asInt()).isEqualTo(registryPort);
        assertThat(registryJson.get("url").asText()).isEqualTo(registryUrl);
        assertThat(JSON.readTree(json.stdout()).get("kafka").get("pid").asLong()).isEqualTo(pid);

        Sluice.Result again = dev("up", dir, port, controller, registryPort);
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.stderr()).contains("kafka: already running on " + bootstrap + " (pid " + pid + ")")
                .contains("schema registry: already running on " + registryUrl + " (pid " + registryPid + ")")
                .doesNotContain("starting");
        assertThat(again.stdout()).contains("(pid " + pid + ",");
        assertThat(DevBrokers.recordedPid(dir)).contains(pid);
        assertThat(registryPid(dir)).contains(registryPid);

        Sluice.Result down = dev("down", dir, port, controller, registryPort);
        assertThat(down.exit()).as(down.toString()).isZero();
        assertThat(down.stdout()).contains("kafka: stopped").contains("schema registry: stopped");
        assertThat(down.stderr()).contains("kafka: stopping pid " + pid).contains("schema registry: stopping pid " + registryPid);
        assertThat(DevBrokers.alive(pid)).as("pid %d after down", pid).isFalse();
        assertThat(DevBrokers.alive(registryPid)).as("registry pid %d after down", registryPid).isFalse();
        assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
        assertThat(dir.resolve("registry/registry.pid")).doesNotExist();
        assertThat(dir.resolve("kafka/data")).isDirectory();
        assertThat(dir.resolve("registry/data")).isDirectory();

        Sluice.Result stopped = dev("status", dir, port, controller, registryPort);
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(stopped.stdout()).contains("kafka: not running").contains("schema registry: not running");

        // the schema survives down + up, with its id
        Sluice.Result upAgain = dev("up", dir, port, controller, registryPort);
        assertThat(upAgain.exit()).as(upAgain.toString()).isZero();
        JsonNode latest = JSON.readTree(httpGet(registryUrl + "/subjects/" + subject + "/versions/latest"));
        assertThat(latest.get("id").asInt()).isEqualTo(id);
        assertThat(latest.get("version").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(httpGet(registryUrl + "/schemas/ids/" + id)).get("schema").asText()).contains("\"name\":\"Dev\"");
        long secondRegistryPid = registryPid(dir).orElseThrow();
        Sluice.Result downAfterRestart = dev("down", dir, port, controller, registryPort);
        assertThat(downAfterRestart.exit()).as(downAfterRestart.toString()).isZero();
        assertThat(DevBrokers.alive(secondRegistryPid)).isFalse();
        assertThat(registryProcessesOf(dir)).isEmpty();

        Sluice.Result downAgain = dev("down", dir, port, controller, registryPort);
        assertThat(downAgain.exit()).as(downAgain.toString()).isZero();
        assertThat(downAgain.stdout()).contains("kafka: not running (nothing to stop in " + dir.toAbsolutePath().normalize())
                .contains("schema registry: not running");

        Sluice.Result purge = dev("down", dir, port, controller, registryPort, "--purge");
        assertThat(purge.exit()).as(purge.toString()).isZero();
        assertThat(purge.stdout()).contains("kafka: data deleted").contains("schema registry: data deleted");
        assertThat(dir.resolve("kafka")).doesNotExist();
        assertThat(dir.resolve("registry")).doesNotExist();
    }

    @Test
    void upOnAPortInUseFailsNamingThePortAndLeavesNothingRunning() throws Exception {
        Path dir = stateDir("taken");
        int[] ports = Sluice.freePorts(2);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Sluice.Result up = dev("up", dir, port, ports[0], ports[1]);

            assertThat(up.exit()).as(up.toString()).isEqualTo(1);
            assertThat(up.stderr()).contains("port " + port + " (for Kafka) is already in use");
            assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
            assertThat(DevBrokers.processesOf(dir)).isEmpty();
            assertThat(registryProcessesOf(dir)).isEmpty();
        }
    }

    @Test
    void upWithTheRegistryPortInUseFailsNamingItBeforeStartingAnything() throws Exception {
        Path dir = stateDir("registry-taken");
        int[] ports = Sluice.freePorts(2);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int registryPort = taken.getLocalPort();

            Sluice.Result up = dev("up", dir, ports[0], ports[1], registryPort);

            assertThat(up.exit()).as(up.toString()).isEqualTo(1);
            assertThat(up.stderr()).contains("port " + registryPort + " (for the schema registry) is already in use on localhost")
                    .contains("--registry-port")
                    .doesNotContain("kafka: starting");
            assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
            assertThat(DevBrokers.processesOf(dir)).isEmpty();
            assertThat(registryProcessesOf(dir)).isEmpty();
        }
    }

    @Test
    void aRegistryThatDiesDuringStartShowsItsLogAndTheBrokerStartedWithItIsStoppedAgain() throws Exception {
        Path dir = stateDir("registry-dies");
        int[] ports = Sluice.freePorts(3);
        Path store = dir.resolve("registry/data/schemas.json");
        Files.createDirectories(store.getParent());
        Files.writeString(store, "not json at all");

        Sluice.Result up = dev("up", dir, ports[0], ports[1], ports[2]);

        assertThat(up.exit()).as(up.toString()).isEqualTo(1);
        assertThat(up.stderr()).contains("kafka: starting a local broker on localhost:" + ports[0])
                .contains("the local schema registry exited during start-up")
                .contains("cannot read the schema registry's data " + store.toAbsolutePath().normalize())
                .contains("kafka: stopping pid");
        assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
        assertThat(dir.resolve("registry/registry.pid")).doesNotExist();
        assertThat(DevBrokers.processesOf(dir)).isEmpty();
        assertThat(registryProcessesOf(dir)).isEmpty();
    }

    @Test
    void aRegistryPortEqualToAKafkaPortIsRejectedBeforeAnythingStarts() {
        Path dir = stateDir("same-port");
        int[] ports = Sluice.freePorts(2);

        Sluice.Result up = dev("up", dir, ports[0], ports[1], ports[1]);

        assertThat(up.exit()).as(up.toString()).isEqualTo(2);
        assertThat(up.stderr()).contains("--registry-port must be a port in 1..65535 other than the Kafka ports (got " + ports[1]);
        assertThat(dir).doesNotExist();
    }

    @Test
    void downWithNothingRunningSucceedsAndSaysSo() {
        Path dir = stateDir("never-started");
        int[] ports = Sluice.freePorts(3);

        Sluice.Result down = dev("down", dir, ports[0], ports[1], ports[2]);

        assertThat(down.exit()).as(down.toString()).isZero();
        assertThat(down.stdout()).contains("kafka: not running (nothing to stop in " + dir.toAbsolutePath().normalize() + ")")
                .contains("schema registry: not running");
        assertThat(down.stderr()).doesNotContain("stopping");
    }

    @Test
    void portsOutsideTheValidRangeAreRejectedBeforeAnythingStarts() {
        Path dir = stateDir("bad-port");

        Sluice.Result up = Sluice.run(work, Map.of(), "dev", "up", "--dir", dir.toString(), "--port", "65535",
                "--registry-port", Integer.toString(Sluice.freePorts(1)[0]));

        assertThat(up.exit()).as(up.toString()).isEqualTo(2);
        assertThat(up.stderr()).contains("--port and --controller-port must be two different ports in 1..65535")
                .contains("got 65535 and 65536, which is --port + 1");
        assertThat(dir).doesNotExist();
    }

    /** The pid {@code dev up} recorded in {@code <dir>/registry/registry.pid}, if the file exists. */
    private static Optional<Long> registryPid(Path dir) {
        Path file = dir.resolve("registry").resolve("registry.pid");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            return Optional.of(Long.parseLong(p.getProperty("pid")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Stream<ProcessHandle> registryProcessesOf(Path dir) {
        return DevBrokers.registryProcessesOf(dir);
    }

    private static void killRegistries(Path dir) {
        DevBrokers.killRegistries(dir);
    }

    private static int registerSchema(String url, String subject, String avro) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", avro));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("id").asInt();
    }

    private static String httpGet(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
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
