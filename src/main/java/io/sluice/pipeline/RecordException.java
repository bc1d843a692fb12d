package io.sluice.pipeline;

/** A single record could not be processed; names its topic, partition and offset. */
public final class RecordException extends SluiceException {
    public RecordException(Stage stage, String topic, int partition, long offset, String reason) {
        super(stage, stage.name().toLowerCase() + " failed for record " + topic + "/" + partition + "@" + offset
                + ": " + reason);
    }
}
