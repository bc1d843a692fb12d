package io.sluice.dev.registry;

/** A request the registry refuses, with the HTTP status and the Confluent {@code error_code} it answers with. */
final class RegistryException extends RuntimeException {
    final int status;
    final int errorCode;

    RegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(Object version) {
        return new RegistryException(404, 40402, "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound(String what) {
        return new RegistryException(404, 40403, what);
    }

    static RegistryException invalidSchema(String message) {
        return new RegistryException(422, 42201, message);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202, "The specified version '" + version + "' is not a valid version id. Allowed values"
                + " are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(422, 42203, "Invalid compatibility level " + (level == null ? "(none given)" : "'" + level + "'")
                + ". Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
    }

    static RegistryException storeError(String message) {
        return new RegistryException(500, 50001, message);
    }
}
