package io.sluice.schema;

/** A record's field names cannot all become columns; the message names the fields (not the record). */
public final class ColumnNameException extends Exception {
    public ColumnNameException(String message) {
        super(message);
    }
}
