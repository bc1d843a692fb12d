package io.sluice.manifest;

/**
 * One pipeline of a manifest: where records come from and where they go.
 *
 * @param name      identifies the pipeline's stored offsets in the sink; renaming a pipeline starts it afresh
 * @param evolution how tables follow changes in the data's columns
 */
public record PipelineSpec(String name, SourceSpec source, SinkSpec sink, EvolutionPolicy evolution) {}
