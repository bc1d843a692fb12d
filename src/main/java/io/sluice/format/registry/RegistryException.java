package io.sluice.format.registry;

/**
 * A registry request that failed. {@link #errorCode()} is the registry's {@code error_code} (e.g. 40403 for an
 * unknown schema id), or -1 when the registry could not be reached or gave no code.
 */
public final class RegistryException extends RuntimeException {
    private final int errorCode;
    private final int httpStatus;

    RegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The registry answered that the schema, subject or version does not exist. */
    public boolean notFound() {
        return httpStatus == 404;
    }

    /** No answer (after retries), or a server error: the registry, not the record, is at fault. */
    public boolean unavailable() {
        return httpStatus < 0 || httpStatus >= 500 || httpStatus == 429;
    }
}
