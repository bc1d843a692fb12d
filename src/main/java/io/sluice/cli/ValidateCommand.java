package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestException;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Checks a manifest without connecting to anything; lists every problem and warning.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ManifestOptions opts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Manifest m = opts.loadQuietly();
            m.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            if (opts.json()) {
                List<Map<String, Object>> pipes = new ArrayList<>();
                for (PipelineSpec p : m.pipelines()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("name", p.name());
                    o.put("topics", p.source().topics().toString());
                    o.put("sink", p.sink().type());
                    o.put("config", p.toString());
                    pipes.add(o);
                }
                spec.commandLine().getOut().println(Json.write(Map.of("valid", true, "pipelines", pipes,
                        "warnings", json(m.warnings()))));
            } else {
                for (PipelineSpec p : m.pipelines()) {
                    spec.commandLine().getErr().println("ok: pipeline " + p.name() + ": " + p.source().topics()
                            + " -> " + p.sink().type());
                }
            }
            return ExitCodes.OK;
        } catch (ManifestException e) {
            if (opts.json()) {
                spec.commandLine().getOut().println(Json.write(Map.of("valid", false, "problems", json(e.problems()),
                        "warnings", json(e.warnings()))));
            }
            spec.commandLine().getErr().println("sluice: " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }

    private static List<Map<String, Object>> json(List<Problem> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Problem p : problems) {
            out.add(Map.of("file", p.file(), "line", p.line(), "path", p.path(), "message", p.message()));
        }
        return out;
    }
}
