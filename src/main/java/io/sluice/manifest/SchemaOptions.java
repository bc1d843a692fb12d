package io.sluice.manifest;

import io.sluice.manifest.SourceOptions.MessageFormat;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where typed formats find their schemas, and how record keys are decoded.
 *
 * @param keyFormat   how the key becomes the {@code _kafka_key} column(s); {@code STRING} keeps it as text
 * @param registry    the Schema Registry, for values (and keys) in the registry's wire format
 * @param schemaFile  a local {@code .avsc}, {@code .proto}, descriptor set or JSON Schema, used instead of a registry
 * @param messageType the Protobuf message of a local schema file, by full or simple name
 * @param wireFormat  whether payloads carry the registry's header (magic byte, schema id)
 * @param subjects    how topic and record names map to registry subjects, for lookups by name
 */
public record SchemaOptions(MessageFormat keyFormat, Optional<RegistrySpec> registry, Optional<Path> schemaFile,
        Optional<String> messageType, WireFormat wireFormat, SubjectNameStrategy subjects) {

    /** Payload framing. */
    public enum WireFormat {
        /** Magic byte 0, 4-byte big-endian schema id, for Protobuf the message indexes, then the payload. */
        CONFLUENT,
        /** The bare payload, decoded with the local schema file. */
        PLAIN
    }

    /** Confluent's subject name strategies. */
    public enum SubjectNameStrategy {
        /** {@code <topic>-value} / {@code <topic>-key}. */
        TOPIC,
        /** The record's full name. */
        RECORD,
        /** {@code <topic>-<record full name>}. */
        TOPIC_RECORD;

        public String subject(String topic, String recordName, boolean key) {
            return switch (this) {
                case TOPIC -> topic + (key ? "-key" : "-value");
                case RECORD -> recordName;
                case TOPIC_RECORD -> topic + "-" + recordName;
            };
        }
    }

    /** Schemaless JSON values and string keys. */
    public static SchemaOptions none() {
        return new SchemaOptions(MessageFormat.STRING, Optional.empty(), Optional.empty(), Optional.empty(),
                WireFormat.PLAIN, SubjectNameStrategy.TOPIC);
    }
}
