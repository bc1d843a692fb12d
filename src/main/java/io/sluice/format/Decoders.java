package io.sluice.format;

import io.sluice.format.avro.AvroDecoder;
import io.sluice.format.jsonschema.JsonSchemaDecoder;
import io.sluice.format.protobuf.ProtobufDecoder;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.manifest.SchemaOptions;
import io.sluice.manifest.SourceOptions;
import java.util.Optional;

/** Chooses the decoder for a source's {@code message_format}. */
public final class Decoders {
    private Decoders() {}

    /**
     * The value decoder. {@code registry} must be present when the options name a registry.
     *
     * @throws IllegalArgumentException when a local schema file cannot be read or parsed
     */
    public static Decoder forOptions(SourceOptions options, Optional<SchemaRegistryClient> registry) {
        SchemaOptions schemas = options.schemas();
        boolean framed = schemas.wireFormat() == SchemaOptions.WireFormat.CONFLUENT;
        return switch (options.messageFormat()) {
            case JSON -> new JsonDecoder(options.nested(), options.separator());
            case AVRO -> schemas.schemaFile().isPresent()
                    ? AvroDecoder.withSchemaFile(schemas.schemaFile().get(), framed, options.nested(), options.separator())
                    : AvroDecoder.withRegistry(registry.orElseThrow(), options.nested(), options.separator());
            case STRING -> new TextDecoder();
            case BYTES -> new BytesDecoder();
            case PROTOBUF -> schemas.schemaFile().isPresent()
                    ? ProtobufDecoder.withSchemaFile(schemas.schemaFile().get(), schemas.messageType(), framed, options.nested(),
                            options.separator())
                    : ProtobufDecoder.withRegistry(registry.orElseThrow(), options.nested(), options.separator());
            case JSON_SCHEMA -> schemas.schemaFile().isPresent()
                    ? JsonSchemaDecoder.withSchemaFile(schemas.schemaFile().get(), framed, options.nested(), options.separator())
                    : JsonSchemaDecoder.withRegistry(registry.orElseThrow(), options.nested(), options.separator());
        };
    }

    /**
     * The key decoder for {@code key_format}, or empty for {@code string}, which keeps the key as text. Typed key
     * formats always read the registry's wire format.
     */
    public static Optional<Decoder> forKeys(SourceOptions options, Optional<SchemaRegistryClient> registry) {
        return switch (options.schemas().keyFormat()) {
            case STRING -> Optional.empty();
            case BYTES -> Optional.of(new BytesDecoder());
            case JSON -> Optional.of(new JsonDecoder(options.nested(), options.separator()));
            case AVRO -> Optional.of(AvroDecoder.withRegistry(registry.orElseThrow(), options.nested(), options.separator()));
            case PROTOBUF -> Optional.of(ProtobufDecoder.withRegistry(registry.orElseThrow(), options.nested(), options.separator()));
            case JSON_SCHEMA -> Optional.of(JsonSchemaDecoder.withRegistry(registry.orElseThrow(), options.nested(), options.separator()));
        };
    }

    /** Schemaless JSON, for callers that have no schema options. */
    public static Decoder forOptions(SourceOptions options) {
        return forOptions(options, Optional.empty());
    }
}
