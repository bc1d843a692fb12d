package io.sluice.format.registry;

import io.sluice.format.DecodeException;
import io.sluice.format.SchemaUnavailableException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoder's writer schemas by registry id: each is fetched once, with the schemas it references, and compiled
 * once into the decoder's own form. The outcome for one id never changes (registry ids are immutable), so a
 * schema that cannot be used is remembered as such. A registry outage is a {@link SchemaUnavailableException},
 * never remembered: the next call asks again. Used by one thread.
 *
 * @param <T> what a decoder compiles a schema into
 */
public final class WriterSchemas<T> {
    /** Compiles a writer schema and its references (by reference name, dependencies first). */
    @FunctionalInterface
    public interface Compiler<T> {
        T compile(RegisteredSchema schema, LinkedHashMap<String, String> references) throws InvalidSchemaException;
    }

    /** A schema that cannot be used; the message says why. */
    public static final class InvalidSchemaException extends Exception {
        public InvalidSchemaException(String message) {
            super(message);
        }
    }

    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int VERSION_NOT_FOUND = 40402;
    private static final int SCHEMA_NOT_FOUND = 40403;

    private final SchemaRegistryClient registry;
    private final SchemaType type;
    private final String format;
    private final String language;
    private final Compiler<T> compiler;
    private final Map<Integer, T> compiled = new HashMap<>();
    private final Map<Integer, String> unusable = new HashMap<>();

    /**
     * @param format   the {@code message_format} word, for messages
     * @param language what the schemas are written in, for messages: "Avro schema", "JSON Schema"...
     */
    public WriterSchemas(SchemaRegistryClient registry, SchemaType type, String format, String language, Compiler<T> compiler) {
        this.registry = registry;
        this.type = type;
        this.format = format;
        this.language = language;
        this.compiler = compiler;
    }

    /**
     * The compiled schema of {@code id}.
     *
     * @throws DecodeException            the id is unknown, or its schema is of another type or cannot be used
     * @throws SchemaUnavailableException the registry cannot be reached
     */
    public T get(int id) throws DecodeException {
        T t = compiled.get(id);
        if (t != null) {
            return t;
        }
        String reason = unusable.get(id);
        if (reason != null) {
            throw new DecodeException(reason);
        }
        RegisteredSchema schema;
        try {
            schema = registry.schemaById(id);
        } catch (RegistryException e) {
            // only the registry's own answer makes the record's id unknown; any other 404 (a wrong URL, a proxy)
            // says nothing about the record and must not let on_error: skip drop it
            if (e.errorCode() == SCHEMA_NOT_FOUND) {
                throw new DecodeException("unknown schema id " + id + ": " + e.getMessage());
            }
            throw new SchemaUnavailableException("cannot fetch " + language + " id " + id + ": " + e.getMessage()
                    + (e.notFound() ? " (is schema_registry_url the registry's base URL?)" : ""), e);
        }
        if (schema.type() != type) {
            throw remember(id, "schema id " + id + " is a " + schema.type() + " schema, but message_format is " + format);
        }
        LinkedHashMap<String, String> references;
        try {
            references = registry.referencedSchemas(schema);
        } catch (RegistryException e) {
            if (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == VERSION_NOT_FOUND) {
                throw remember(id, "schema id " + id + " from " + registry.describe() + " references a schema the registry"
                        + " does not have: " + e.getMessage());
            }
            throw new SchemaUnavailableException("cannot fetch the schemas that " + language + " id " + id + " references: "
                    + e.getMessage(), e);
        }
        try {
            t = compiler.compile(schema, references);
        } catch (InvalidSchemaException e) {
            throw remember(id, "schema id " + id + " from " + registry.describe() + " is not a usable " + language + ": " + e.getMessage());
        }
        compiled.put(id, t);
        return t;
    }

    private DecodeException remember(int id, String reason) {
        unusable.put(id, reason);
        return new DecodeException(reason);
    }
}
