package io.sluice.format.jsonschema;

/** A JSON Schema Sluice cannot turn into columns; the message names where in the schema and why. */
final class SchemaException extends Exception {
    SchemaException(String message) {
        super(message);
    }
}
