package io.sluice.bench;

import java.util.List;

/**
 * What {@code sluice bench} measures.
 *
 * @param bootstrapServers the broker both readers use
 * @param records          sensor events to produce (about 460 bytes each)
 * @param partitions       partitions of the fresh topic
 * @param batchSize        the pipeline's {@code batch_size}
 * @param childJavaOptions JVM options of the measured processes (the same for both)
 * @param keep             keep the topic and what the sink wrote afterwards
 * @param format           the message format of the events; registry formats use a dev schema registry that the
 *                         benchmark starts in its own process
 * @param sink             the sink of the measured pipeline
 * @param sinkOptions      extra keys of the pipeline's {@code sink:} section, as YAML scalars ({@code --sink-option})
 */
public record BenchSpec(String bootstrapServers, long records, int partitions, int batchSize, List<String> childJavaOptions,
        boolean keep, io.sluice.manifest.SourceOptions.MessageFormat format, BenchSink sink, java.util.Map<String, String> sinkOptions) {
    public BenchSpec {
        childJavaOptions = List.copyOf(childJavaOptions);
        sinkOptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sinkOptions));
    }

    /** A spec with the sink's defaults. */
    public BenchSpec(String bootstrapServers, long records, int partitions, int batchSize, List<String> childJavaOptions,
            boolean keep, io.sluice.manifest.SourceOptions.MessageFormat format, BenchSink sink) {
        this(bootstrapServers, records, partitions, batchSize, childJavaOptions, keep, format, sink, java.util.Map.of());
    }
}
