package io.sluice.pipeline;

import io.sluice.manifest.PipelineSpec;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkRegistry;
import io.sluice.source.KafkaClients;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The sink and Kafka consumer of one pipeline, opened together (sink first, so a locked target fails fast). */
public final class PipelineResources implements AutoCloseable {
    private final PipelineSpec spec;
    private final Sink sink;
    private final KafkaConsumer<byte[], byte[]> consumer;

    private PipelineResources(PipelineSpec spec, Sink sink, KafkaConsumer<byte[], byte[]> consumer) {
        this.spec = spec;
        this.sink = sink;
        this.consumer = consumer;
    }

    public static PipelineResources open(PipelineSpec spec, SinkRegistry sinks) {
        Sink sink = sinks.provider(spec.sink().type()).orElseThrow().open(spec.sink().config(), spec.name());
        try {
            return new PipelineResources(spec, sink, KafkaClients.consumer(spec.source().connection(), spec.source().options()));
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    public Sink sink() {
        return sink;
    }

    public KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    public PipelineRunner runner(RunListener listener, StopSignal stop) {
        return new PipelineRunner(spec, sink, consumer, listener, stop);
    }

    @Override
    public void close() {
        try {
            consumer.close(java.time.Duration.ofSeconds(5));
        } finally {
            sink.close();
        }
    }
}
