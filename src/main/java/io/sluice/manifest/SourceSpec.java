package io.sluice.manifest;

/** The Kafka source of a pipeline. */
public record SourceSpec(KafkaConnection connection, TopicSelection topics, SourceOptions options) {}
