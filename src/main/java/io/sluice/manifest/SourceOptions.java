package io.sluice.manifest;

import java.time.Duration;
import java.util.Optional;

/**
 * How the source reads and batches.
 *
 * @param resumeFromStored start from the sink's stored offsets where there are any ({@code start_from: stored})
 * @param initial          where to start partitions without a stored offset, or all of them when not resuming
 * @param batchSize        records per committed batch
 * @param batchMaxBytes    a batch also closes when its payload bytes reach this
 * @param batchTimeout     in continuous mode a batch closes after this long even if not full
 * @param groupId          consumer group, used only to report lag to Kafka when {@code commitToKafka}
 * @param topicRefresh     how often continuous mode looks for new matching topics and partitions
 * @param schemas          schema registry, schema file and key format for typed formats
 */
public record SourceOptions(
        ReadMode readMode,
        boolean resumeFromStored,
        StartPosition initial,
        MessageFormat messageFormat,
        NestedMode nested,
        String separator,
        int batchSize,
        long batchMaxBytes,
        Duration batchTimeout,
        Duration pollTimeout,
        OnError onError,
        Optional<String> groupId,
        boolean commitToKafka,
        Duration topicRefresh,
        SchemaOptions schemas,
        boolean includeHeaders) {

    /** Options without the record headers as a column. */
    public SourceOptions(ReadMode readMode, boolean resumeFromStored, StartPosition initial, MessageFormat messageFormat,
            NestedMode nested, String separator, int batchSize, long batchMaxBytes, Duration batchTimeout, Duration pollTimeout,
            OnError onError, Optional<String> groupId, boolean commitToKafka, Duration topicRefresh, SchemaOptions schemas) {
        this(readMode, resumeFromStored, initial, messageFormat, nested, separator, batchSize, batchMaxBytes, batchTimeout,
                pollTimeout, onError, groupId, commitToKafka, topicRefresh, schemas, false);
    }

    /** How message values (and keys, with {@code key_format}) are encoded. */
    public enum MessageFormat {
        JSON, JSON_SCHEMA, AVRO, PROTOBUF, STRING, BYTES;

        /** Whether the format needs a schema from a registry or a file. */
        public boolean typed() {
            return this == AVRO || this == PROTOBUF || this == JSON_SCHEMA;
        }

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What to do with a record that cannot be decoded. */
    public enum OnError { FAIL, SKIP }

    /** How nested JSON objects become columns. */
    public enum NestedMode {
        /** {@code {"a":{"b":1}}} becomes column {@code a__b} (the separator is configurable). */
        FLATTEN,
        /** The object becomes one STRUCT column whose fields evolve as data arrives. */
        STRUCT,
        /** The object is kept as one JSON column. */
        JSON
    }
}
