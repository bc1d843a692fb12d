package io.sluice.storage;

import java.util.Optional;

/** Opens the store a sink's location names. */
public final class ObjectStores {
    private ObjectStores() {}

    /**
     * A {@link LocalStore} for a directory, an {@link S3Store} for a bucket ({@code s3} settings or AWS's defaults).
     * Nothing is checked yet: call {@link ObjectStore#check()} before reading.
     */
    public static ObjectStore open(StoreLocation location, Optional<S3Settings> s3) {
        if (location instanceof StoreLocation.S3 b) {
            return S3Store.open(s3.orElseGet(S3Settings::defaults), b.bucket(), b.prefix());
        }
        return LocalStore.open(((StoreLocation.Local) location).directory());
    }
}
