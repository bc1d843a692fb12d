package io.sluice.source;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import io.sluice.manifest.KafkaConnection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/** {@link TopicMetadata} from a consumer, every call bounded by the connection timeout. */
public final class ConsumerMetadata implements TopicMetadata {
    private final Consumer<?, ?> consumer;
    private final Duration timeout;
    private final String bootstrap;
    private final KafkaConnection connection;

    public ConsumerMetadata(Consumer<?, ?> consumer, KafkaConnection connection) {
        this.consumer = consumer;
        this.timeout = connection.timeout();
        this.bootstrap = connection.bootstrapServers();
        this.connection = connection;
    }

    /** Metadata without topic ids ({@link #topicIds} answers empty), e.g. for short health probes. */
    public ConsumerMetadata(Consumer<?, ?> consumer, Duration timeout, String bootstrap) {
        this.consumer = consumer;
        this.timeout = timeout;
        this.bootstrap = bootstrap;
        this.connection = null;
    }

    /** Topic ids need the admin API: a short-lived admin client per call (once per plan or topic refresh). */
    @Override
    public Map<String, String> topicIds(Collection<String> topics) {
        if (topics.isEmpty() || connection == null) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        try (Admin admin = KafkaClients.admin(connection)) {
            Map<String, KafkaFuture<TopicDescription>> found = admin.describeTopics(topics,
                    new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis())).topicNameValues();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> e : found.entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS).topicId().toString());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw connectFailure("describe topic " + e.getKey(), ex.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException ex) {
                    throw new SluiceException(Stage.CONNECT, "cannot reach Kafka at " + bootstrap + ": could not describe topic "
                            + e.getKey() + " within " + timeout.toMillis() + " ms (source.connection.timeout_ms)", ex);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new SluiceException(Stage.CONNECT, "interrupted while describing topic " + e.getKey(), ex);
                }
            }
        }
        return out;
    }

    private SluiceException connectFailure(String what, Throwable cause) {
        if (cause instanceof TimeoutException) {
            return new SluiceException(Stage.CONNECT, "cannot reach Kafka at " + bootstrap + ": could not " + what
                    + " within " + timeout.toMillis() + " ms (source.connection.timeout_ms)", cause);
        }
        return new SluiceException(Stage.CONNECT, "Kafka at " + bootstrap + " failed to " + what + ": " + cause.getMessage(), cause);
    }

    @Override
    public Map<String, List<TopicPartition>> topics() {
        Map<String, List<PartitionInfo>> all = call("list topics", () -> consumer.listTopics(timeout));
        Map<String, List<TopicPartition>> out = new TreeMap<>();
        all.forEach((topic, infos) -> {
            if (!topic.startsWith("__")) {
                List<TopicPartition> parts = new ArrayList<>();
                for (PartitionInfo i : infos) {
                    parts.add(new TopicPartition(i.topic(), i.partition()));
                }
                parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
                out.put(topic, parts);
            }
        });
        return out;
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return call("read beginning offsets", () -> consumer.beginningOffsets(partitions, timeout));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return call("read end offsets", () -> consumer.endOffsets(partitions, timeout));
    }

    @Override
    public Map<TopicPartition, Long> offsetsForTime(Collection<TopicPartition> partitions, long epochMillis) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, epochMillis));
        Map<TopicPartition, OffsetAndTimestamp> found = call("look up offsets by time",
                () -> consumer.offsetsForTimes(query, timeout));
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach(p -> {
            OffsetAndTimestamp o = found.get(p);
            out.put(p, o == null ? null : o.offset());
        });
        return out;
    }

    /** What to check when no broker answers: for a local address, the dev broker Sluice brings. */
    static String hint(String bootstrap) {
        boolean local = java.util.Arrays.stream(bootstrap.split(",")).map(String::strip).allMatch(a ->
                a.startsWith("localhost:") || a.startsWith("127.") || a.startsWith("[::1]") || a.equals("localhost"));
        return local ? "is it running? `sluice dev up` starts a local broker" : "is it running, and reachable from here?";
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (TimeoutException e) {
            throw new SluiceException(Stage.CONNECT, "cannot reach Kafka at " + bootstrap + ": could not " + what
                    + " within " + timeout.toMillis() + " ms (source.connection.timeout_ms); " + hint(bootstrap), e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new SluiceException(Stage.CONNECT, "Kafka at " + bootstrap + " failed to " + what + ": " + e.getMessage(), e);
        }
    }
}
