package io.sluice.format.registry;

/** The schema languages a Confluent-compatible registry stores ({@code schemaType}; absent means AVRO). */
public enum SchemaType { AVRO, PROTOBUF, JSON }
