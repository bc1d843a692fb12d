package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.Problem;
import io.sluice.manifest.ManifestException;
import io.sluice.sink.Positions;
import io.sluice.sink.SinkRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The manifest argument, pipeline selection and output format shared by the commands. */
final class ManifestOptions {
    @Parameters(index = "0", paramLabel = "MANIFEST", description = "The pipeline manifest (YAML).")
    Path manifest;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline of the manifest (default: all, in order).")
    String pipeline;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: text (default) or json, on stdout.")
    OutputFormat format;

    enum OutputFormat { text, json }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    final SinkRegistry sinks = SinkRegistry.load();

    /** What the pipeline's sink holds, read without changing anything, through the pipeline's topic-to-table mapping. */
    Positions positions(PipelineSpec p) {
        return Positions.of(sinks.provider(p.sink().type()).orElseThrow().readPositions(p.sink().config(), p.name()),
                p.sink().config());
    }

    /** Loads the manifest and prints its warnings on stderr (an invalid manifest throws, listing problems and warnings). */
    Manifest load() {
        Manifest m = loadQuietly();
        PrintWriter err = command.commandLine().getErr();
        m.warnings().forEach(w -> err.println("warning: " + w));
        err.flush();
        return m;
    }

    Manifest loadQuietly() {
        return new ManifestLoader(System.getenv(), sinks).load(manifest);
    }

    List<PipelineSpec> selected(Manifest m) {
        if (pipeline == null) {
            return m.pipelines();
        }
        return m.pipeline(pipeline).map(List::of).orElseThrow(() -> new ManifestException(List.of(new Problem(
                m.file(), 0, "", "no pipeline named \"" + pipeline + "\" (pipelines: "
                        + String.join(", ", m.pipelines().stream().map(PipelineSpec::name).toList()) + ")"))));
    }

    boolean json() {
        return format == OutputFormat.json;
    }
}
