package io.sluice.manifest;

import java.util.List;
import java.util.Optional;

/** A loaded, valid manifest: one or more pipelines, in file order. */
public record Manifest(String file, List<PipelineSpec> pipelines) {
    public Manifest {
        pipelines = List.copyOf(pipelines);
    }

    public Optional<PipelineSpec> pipeline(String name) {
        return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
