package io.sluice.pipeline;

/** A check before or during a run found that going on would load data wrongly; the run stops with exit 3. */
public class CheckFailedException extends SluiceException {
    public CheckFailedException(Stage stage, String message) {
        super(stage, message);
    }
}
