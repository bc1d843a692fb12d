package io.sluice.format.registry;

import java.util.List;

/** A schema as the registry returns it. {@code id} is the global schema id that payloads carry. */
public record RegisteredSchema(int id, SchemaType type, String text, List<SchemaReference> references) {
    public RegisteredSchema {
        references = List.copyOf(references);
    }
}
