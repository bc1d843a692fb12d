package io.sluice.format.registry;

/**
 * A schema's reference to another registered schema.
 *
 * @param name    how the referring schema names it: an Avro full type name, a Protobuf import path, a JSON Schema URL
 * @param subject where the referenced schema is registered
 * @param version which version of that subject
 */
public record SchemaReference(String name, String subject, int version) {}
