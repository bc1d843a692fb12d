package io.sluice.sink.parquet;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.ObjectStore;
import java.nio.file.Path;

/** Opens the store a Parquet sink's {@code path} names. */
final class Stores {
    private Stores() {}

    static ObjectStore open(ParquetSinkConfig config) {
        if (config.s3()) {
            throw new SluiceException(Stage.CONNECT, "sink.path " + config.path() + ": S3 is not available in this build yet");
        }
        return new LocalDirStore(Path.of(config.path()));
    }
}
