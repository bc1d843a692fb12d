package io.sluice.cli;

import io.sluice.manifest.PipelineSpec;
import io.sluice.sink.Positions;
import io.sluice.source.BoundaryPlanner;
import io.sluice.source.ReadPlan;
import io.sluice.source.ConsumerMetadata;
import io.sluice.source.KafkaClients;
import io.sluice.source.TopicMetadata;
import java.time.Duration;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** A Kafka consumer used only for metadata by {@code plan} and {@code offsets}. */
final class SourceSession implements AutoCloseable {
    private final PipelineSpec spec;
    private final KafkaConsumer<byte[], byte[]> consumer;

    private SourceSession(PipelineSpec spec, KafkaConsumer<byte[], byte[]> consumer) {
        this.spec = spec;
        this.consumer = consumer;
    }

    static SourceSession open(PipelineSpec spec) {
        return new SourceSession(spec, KafkaClients.consumer(spec.source().connection(), spec.source().options()));
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    TopicMetadata metadata() {
        return new ConsumerMetadata(consumer, spec.source().connection());
    }

    BoundaryPlanner planner() {
        return new BoundaryPlanner(metadata(), spec.source().topics(), spec.source().options());
    }

    /**
     * The plan the next run would make from {@code stored}, with the checks a run makes before reading (recreated
     * topics, topics colliding in one table); the warnings include tables shared with other pipelines.
     */
    ReadPlan plan(Positions stored) {
        return io.sluice.pipeline.PipelineRunner.startPlan(planner(), stored, spec);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
