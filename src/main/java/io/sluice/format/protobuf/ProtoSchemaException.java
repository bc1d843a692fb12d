package io.sluice.format.protobuf;

/**
 * A Protobuf schema (.proto text, a descriptor set, or the imports between them) cannot be turned into
 * descriptors. The message starts with the file and, when known, the line and column, e.g.
 * {@code orders.proto:12:7: expected ';' after field number, found 'string'}.
 */
public final class ProtoSchemaException extends Exception {
    ProtoSchemaException(String message) {
        super(message);
    }

    ProtoSchemaException(String message, Throwable cause) {
        super(message, cause);
    }

    static ProtoSchemaException at(String file, int line, int column, String what) {
        return new ProtoSchemaException(file + ":" + line + ":" + column + ": " + what);
    }
}
