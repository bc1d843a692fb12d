package io.sluice.dev;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces {@link SensorEvents} to a topic, creating it when missing, at a given rate or as fast as possible. */
public final class Generator {

    /** What was produced. */
    public record Result(String topic, int partitions, long events, long bytes, long elapsedNanos) {
        public double eventsPerSecond() {
            return elapsedNanos == 0 ? 0 : events * 1e9 / elapsedNanos;
        }
    }

    private Generator() {}

    public static Result run(GenerateSpec spec, Consumer<String> log) {
        int partitions = ensureTopic(spec, log);
        EventEncoder encoder = encoder(spec, log);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, spec.timeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, spec.timeout().toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(spec.timeout().toMillis() + 10 + 1000, 30_000));
        SensorEvents events = new SensorEvents(spec.seed(), 50, spec.start(), spec.stepMicros());
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        long t0 = System.nanoTime();
        long lastLog = t0;
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            // paced from the first send, not from before the producer was built, so no burst catches up on start-up time
            long paceStart = System.nanoTime();
            for (long i = 0; i < spec.count() && failure.get() == null; i++) {
                if (spec.ratePerSecond() > 0) {
                    long due = paceStart + (long) (i * 1e9 / spec.ratePerSecond());
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                byte[] value = encoder.encode(events.next());
                bytes += value.length;
                producer.send(new ProducerRecord<>(spec.topic(), events.key(), value), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                sent++;
                long now = System.nanoTime();
                if (now - lastLog > 5_000_000_000L) {
                    lastLog = now;
                    log.accept(String.format("generated %d of %d events", sent, spec.count()));
                }
            }
            producer.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            failure.compareAndSet(null, e);
        }
        if (failure.get() != null) {
            throw new SluiceException(Stage.WRITE, "producing to " + spec.topic() + " at " + spec.bootstrapServers()
                    + " failed after " + sent + " events: " + failure.get().getMessage(), failure.get());
        }
        return new Result(spec.topic(), partitions, sent, bytes, System.nanoTime() - t0);
    }

    private static EventEncoder encoder(GenerateSpec spec, Consumer<String> log) {
        if (spec.format() == io.sluice.manifest.SourceOptions.MessageFormat.JSON) {
            return EventEncoder.forFormat(spec.format(), spec.topic(), Optional.empty());
        }
        io.sluice.manifest.RegistrySpec registry = spec.registry().orElseThrow(() -> new SluiceException(Stage.SETUP,
                spec.format().word() + " events need a schema registry (--schema-registry)"));
        try {
            String subject = spec.subjects().subject(spec.topic(), EventEncoder.RECORD_NAME, false);
            EventEncoder e = EventEncoder.forFormat(spec.format(), subject,
                    Optional.of(new io.sluice.format.registry.SchemaRegistryClient(registry)));
            log.accept("registered the sensor event schema under subject " + subject + " at " + registry.describe()
                    + " (schema id " + e.schemaId() + ")");
            return e;
        } catch (io.sluice.format.registry.RegistryException e) {
            throw new SluiceException(Stage.CONNECT, "cannot register the " + spec.format().word() + " sensor event schema: "
                    + e.getMessage() + (e.unavailable() ? " (is it running? `sluice dev up` starts a local one)" : ""), e);
        }
    }

    /** Creates the topic when missing; returns its partition count. Fails fast when the broker cannot be reached. */
    private static int ensureTopic(GenerateSpec spec, Consumer<String> log) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        int timeout = (int) spec.timeout().toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        try (Admin admin = Admin.create(p)) {
            try {
                admin.describeCluster().nodes().get(timeout, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new SluiceException(Stage.CONNECT, "cannot reach Kafka at " + spec.bootstrapServers() + " within "
                        + spec.timeout().toSeconds() + " s (is it running? `sluice dev up` starts a local broker)", e);
            }
            Optional<TopicDescription> existing = describe(admin, spec.topic(), timeout);
            if (existing.isPresent()) {
                int n = existing.get().partitions().size();
                if (n != spec.partitions()) {
                    log.accept("topic " + spec.topic() + " exists with " + io.sluice.pipeline.Words.count(n, "partition") + "; keeping it");
                }
                return n;
            }
            try {
                admin.createTopics(List.of(new NewTopic(spec.topic(), Optional.of(spec.partitions()), Optional.empty())))
                        .all().get(timeout, TimeUnit.MILLISECONDS);
                log.accept("created topic " + spec.topic() + " with " + io.sluice.pipeline.Words.count(spec.partitions(), "partition"));
                return spec.partitions();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return describe(admin, spec.topic(), timeout).map(d -> d.partitions().size()).orElse(spec.partitions());
                }
                throw new SluiceException(Stage.CONNECT, "cannot create topic " + spec.topic() + " at " + spec.bootstrapServers()
                        + ": " + e.getCause().getMessage(), e);
            } catch (TimeoutException e) {
                throw new SluiceException(Stage.CONNECT, "creating topic " + spec.topic() + " at " + spec.bootstrapServers()
                        + " did not finish within " + spec.timeout().toSeconds() + " s", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.CONNECT, "interrupted while contacting " + spec.bootstrapServers(), e);
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic, int timeoutMs) throws InterruptedException {
        try {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
            return Optional.ofNullable(d.get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new SluiceException(Stage.CONNECT, "cannot describe topic " + topic + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new SluiceException(Stage.CONNECT, "describing topic " + topic + " did not finish within " + timeoutMs + " ms", e);
        }
    }
}
