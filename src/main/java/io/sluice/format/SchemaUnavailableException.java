package io.sluice.format;

/**
 * The schema a record needs could not be fetched because the registry is unreachable or failing. Unlike a
 * {@link DecodeException}, the record is not at fault, so it is never skipped: the run stops without
 * committing the batch, and a later run reads the record again.
 */
public final class SchemaUnavailableException extends RuntimeException {
    public SchemaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
