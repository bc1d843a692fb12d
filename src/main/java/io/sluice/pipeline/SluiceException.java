package io.sluice.pipeline;

/** A failure that Sluice explains to the user; the message must say what failed and where. */
public class SluiceException extends RuntimeException {
    private final Stage stage;

    public SluiceException(Stage stage, String message) {
        super(message);
        this.stage = stage;
    }

    public SluiceException(Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }
}
