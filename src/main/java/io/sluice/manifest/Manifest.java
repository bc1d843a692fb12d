package io.sluice.manifest;

import java.util.List;
import java.util.Optional;

/**
 * A loaded, valid manifest: one or more pipelines, in file order, and the warnings found while loading it
 * (settings that have no effect in Sluice, each saying what to use instead).
 */
public record Manifest(String file, List<PipelineSpec> pipelines, List<Problem> warnings) {
    public Manifest {
        pipelines = List.copyOf(pipelines);
        warnings = List.copyOf(warnings);
    }

    public Manifest(String file, List<PipelineSpec> pipelines) {
        this(file, pipelines, List.of());
    }

    public Optional<PipelineSpec> pipeline(String name) {
        return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
