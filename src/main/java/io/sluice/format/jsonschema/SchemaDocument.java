package io.sluice.format.jsonschema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One schema text: the main schema or a referenced one.
 *
 * @param name how {@code $ref}s name it (the registry reference's name, or a file name), or a description of the main schema
 * @param id   its {@code $id} as a URI, or null; relative {@code $ref}s in it resolve against it
 */
record SchemaDocument(String name, JsonNode root, URI id) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Parses a schema text; its {@code $id} (or draft 4's {@code id}) becomes the document's id when it is a URI. */
    static SchemaDocument parse(String name, String text) throws SchemaException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            int nl = reason == null ? -1 : reason.indexOf('\n');
            throw new SchemaException(name + " is not valid JSON: " + (nl < 0 ? reason : reason.substring(0, nl))
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        }
        if (root == null || !(root.isObject() || root.isBoolean())) {
            throw new SchemaException(name + " is not a JSON Schema: a schema is a JSON object or a boolean");
        }
        JsonNode id = root.isObject() ? root.has("$id") ? root.get("$id") : root.get("id") : null;
        URI uri = null;
        if (id != null && id.isTextual()) {
            try {
                uri = new URI(id.textValue());
            } catch (URISyntaxException e) {
                uri = null; // an $id that is not a URI only names the schema for humans
            }
        }
        return new SchemaDocument(name, root, uri);
    }

    Located located() {
        return new Located(root, this, "");
    }
}
