package io.sluice.format.jsonschema;

import java.util.List;

/**
 * What one (sub)schema describes, after {@code $ref}s, type lists and combinators are resolved: the decision
 * the column types are made from. Children stay unresolved ({@link Located}) so recursive schemas stay finite.
 */
sealed interface Shape {
    /** Scalar kinds; each maps to one column type. */
    enum Kind { STRING, BIGINT, INTEGER, DOUBLE, FLOAT, BOOLEAN, TIMESTAMP, DATE, TIME, UUID, BYTES }

    record Scalar(Kind kind) implements Shape {}

    /**
     * An object. {@code additional} is the schema of properties not in {@code properties}, or null when they are
     * kept with inferred types; {@code closed} when {@code additionalProperties: false} drops them.
     */
    record Obj(List<Property> properties, Located additional, boolean closed) implements Shape {}

    record Property(String name, Located schema) {}

    record Array(Located items) implements Shape {}

    /** Anything, kept as JSON text: no type, several types, unions, tuples, recursive occurrences. */
    record Json() implements Shape {}

    /** {@code "type": "null"} or the {@code false} schema: no column. */
    record None() implements Shape {}

    Json JSON = new Json();
    None NONE = new None();
}
