package io.sluice.schema;

/** A batch needs a table change that the schema evolution policy forbids; the message has the diff. */
public final class SchemaChangeException extends RuntimeException {
    public SchemaChangeException(String message) {
        super(message);
    }
}
