package io.sluice.dev.registry;

/**
 * A schema's reference to a type registered elsewhere, as in the Confluent API.
 *
 * @param name    the name the referring schema uses (for Avro: the full name of the referenced type)
 * @param subject the subject the referenced schema is registered under
 * @param version its version there (always a concrete version once stored)
 */
record Reference(String name, String subject, int version) {}
