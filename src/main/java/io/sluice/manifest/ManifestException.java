package io.sluice.manifest;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.util.List;
import java.util.stream.Collectors;

/** The manifest is invalid; carries every problem found, each with its location. */
public final class ManifestException extends SluiceException {
    private final List<Problem> problems;

    public ManifestException(List<Problem> problems) {
        super(Stage.MANIFEST, describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        String noun = problems.size() == 1 ? "problem" : "problems";
        return "invalid manifest (" + problems.size() + " " + noun + "):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
