package io.sluice.dev;

import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.SourceOptions.MessageFormat;
import java.util.Optional;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@code sluice generate} produces.
 *
 * @param bootstrapServers where to produce
 * @param topic            the topic; created with {@code partitions} partitions when missing
 * @param count            how many events
 * @param ratePerSecond    events per second, 0 for as fast as possible
 * @param partitions       partitions of a topic that has to be created
 * @param seed             makes the events reproducible
 * @param start            event time of the first event
 * @param timeout          how long to try reaching the broker before failing
 * @param format           the message format; registry formats register the sensor schema first
 * @param registry         the Schema Registry for {@code avro}, {@code protobuf} and {@code json_schema}
 * @param subjects         the subject the schema is registered under
 */
public record GenerateSpec(String bootstrapServers, String topic, long count, double ratePerSecond, int partitions,
        long seed, Instant start, Duration timeout, MessageFormat format, Optional<RegistrySpec> registry,
        io.sluice.manifest.SchemaOptions.SubjectNameStrategy subjects) {

    /** Registered under {@code <topic>-value}. */
    public GenerateSpec(String bootstrapServers, String topic, long count, double ratePerSecond, int partitions, long seed,
            Instant start, Duration timeout, MessageFormat format, Optional<RegistrySpec> registry) {
        this(bootstrapServers, topic, count, ratePerSecond, partitions, seed, start, timeout, format, registry,
                io.sluice.manifest.SchemaOptions.SubjectNameStrategy.TOPIC);
    }

    /** Plain JSON events. */
    public GenerateSpec(String bootstrapServers, String topic, long count, double ratePerSecond, int partitions, long seed,
            Instant start, Duration timeout) {
        this(bootstrapServers, topic, count, ratePerSecond, partitions, seed, start, timeout, MessageFormat.JSON, Optional.empty());
    }

    /** Event time between consecutive events: real pacing when rate-limited, else 10 ms. */
    long stepMicros() {
        return ratePerSecond > 0 ? Math.max(1, Math.round(1_000_000 / ratePerSecond)) : 10_000;
    }
}
