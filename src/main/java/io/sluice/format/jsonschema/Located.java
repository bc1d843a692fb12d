package io.sluice.format.jsonschema;

import com.fasterxml.jackson.databind.JsonNode;

/** A (sub)schema, the document it belongs to (where its {@code $ref}s resolve) and its JSON pointer there. */
record Located(JsonNode node, SchemaDocument doc, String pointer) {
    Located child(JsonNode node, String... steps) {
        StringBuilder p = new StringBuilder(pointer);
        for (String s : steps) {
            p.append('/').append(s.replace("~", "~0").replace("/", "~1"));
        }
        return new Located(node, doc, p.toString());
    }

    /** Where, for messages: {@code customer.json#/properties/id}. */
    String where() {
        return doc.name() + "#" + pointer;
    }
}
