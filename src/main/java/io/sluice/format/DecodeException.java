package io.sluice.format;

/** A payload could not be decoded; the message says what is wrong with it (not where it came from). */
public final class DecodeException extends Exception {
    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
