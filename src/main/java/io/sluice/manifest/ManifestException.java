package io.sluice.manifest;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.util.List;
import java.util.stream.Collectors;

/** The manifest is invalid; carries every problem found, each with its location, and the warnings. */
public final class ManifestException extends SluiceException {
    private final List<Problem> problems;
    private final List<Problem> warnings;

    public ManifestException(List<Problem> problems) {
        this(problems, List.of());
    }

    public ManifestException(List<Problem> problems, List<Problem> warnings) {
        super(Stage.MANIFEST, describe(problems, warnings));
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** Warnings found while loading the invalid manifest (also listed in the message, after the problems). */
    public List<Problem> warnings() {
        return warnings;
    }

    private static String describe(List<Problem> problems, List<Problem> warnings) {
        String noun = problems.size() == 1 ? "problem" : "problems";
        return "invalid manifest (" + problems.size() + " " + noun + "):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"))
                + warnings.stream().map(w -> "\n  warning: " + w).collect(Collectors.joining());
    }
}
