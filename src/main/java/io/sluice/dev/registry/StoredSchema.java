package io.sluice.dev.registry;

import java.util.List;

/**
 * A schema with its global id. {@code schema} is the canonical text (for Avro and JSON the compact form Confluent
 * also returns), so two registrations that differ only in whitespace get one id.
 */
record StoredSchema(int id, SchemaType type, String schema, List<Reference> references) {
    StoredSchema {
        references = List.copyOf(references);
    }

    /** What makes two registrations the same schema: type, canonical text and references. */
    String identity() {
        return identity(type, schema, references);
    }

    static String identity(SchemaType type, String canonical, List<Reference> references) {
        StringBuilder b = new StringBuilder(type.name()).append('\u0000').append(canonical);
        for (Reference r : references) {
            b.append('\u0000').append(r.name()).append('\u0001').append(r.subject()).append('\u0001').append(r.version());
        }
        return b.toString();
    }
}
