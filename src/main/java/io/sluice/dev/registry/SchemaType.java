package io.sluice.dev.registry;

import java.util.Locale;
import java.util.Optional;

/** The schema languages the registry stores, named as in the Confluent API's {@code schemaType}. */
enum SchemaType {
    AVRO, JSON, PROTOBUF;

    /** An absent or empty {@code schemaType} means Avro, as in Confluent's registry. */
    static Optional<SchemaType> parse(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of(AVRO);
        }
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
