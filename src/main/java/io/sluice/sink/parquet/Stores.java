package io.sluice.sink.parquet;

import io.sluice.storage.ObjectStore;
import io.sluice.storage.ObjectStores;

/** Opens the store a Parquet sink's {@code path} names. */
final class Stores {
    private Stores() {}

    static ObjectStore open(ParquetSinkConfig config) {
        return ObjectStores.open(config.path(), config.s3Settings());
    }
}
