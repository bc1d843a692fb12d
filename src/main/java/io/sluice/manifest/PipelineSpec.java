package io.sluice.manifest;

/**
 * One pipeline of a manifest: where records come from and where they go.
 *
 * @param name identifies the pipeline's stored offsets in the sink; renaming a pipeline starts it afresh
 */
public record PipelineSpec(String name, SourceSpec source, SinkSpec sink) {}
