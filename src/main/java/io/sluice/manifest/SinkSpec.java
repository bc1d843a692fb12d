package io.sluice.manifest;

import io.sluice.sink.SinkConfig;

/** The sink of a pipeline: its {@code type:} and the config its provider parsed. */
public record SinkSpec(String type, SinkConfig config) {}
