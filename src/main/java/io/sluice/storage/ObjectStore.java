package io.sluice.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A place that holds named objects: a local directory or an S3 bucket and prefix. Keys are relative, '/'-separated
 * paths under the store's root. What file sinks need and nothing more: whole-object writes that readers see completely
 * or not at all, a create-if-absent that exactly one of several racing writers wins (the ledger and the fence of a
 * file sink, a Delta commit), reads of a whole object or of a range of it, listing and deleting.
 *
 * <p>Failures throw {@link io.sluice.pipeline.SluiceException} (stage WRITE, or CONNECT from {@link #check}) naming the
 * location ({@link #describe}), the key and the cause, in Sluice's words; transient ones (S3 5xx, 503 SlowDown,
 * timeouts) are retried with backoff first. Thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    /** The full location of {@code key} for messages: {@code s3://bucket/prefix/key} or an absolute path. */
    String describe(String key);

    /** Where the root is: the directory, or the bucket and prefix, that keys are relative to. */
    StoreLocation location();

    /**
     * Checks, before anything is read, that the root can be written: the directory can be created and written, or the
     * bucket exists, the credentials may list, put and read in it, and the store refuses to create an object that exists
     * (an endpoint that is not S3, or a store that ignores {@code If-None-Match}, fails here). Throws naming the location
     * and the cause.
     */
    void check();

    /** Writes {@code data} at {@code key}, replacing what is there; readers see the old or the new object, never a part. */
    void put(String key, byte[] data);

    /**
     * Moves the finished local file {@code file} to {@code key} (an upload on S3, an atomic rename on disk), replacing
     * what is there; readers never see a part of it. The local file is gone afterwards.
     */
    void putFile(String key, Path file);

    /**
     * Creates {@code key} with {@code data} only if no object has that key (a create-if-absent on disk, a conditional
     * put with {@code If-None-Match: *} on S3). Returns false when the key already existed: another writer won (or an
     * earlier, finished attempt of this one). An attempt whose outcome is unknown (a lost response, retried) is resolved
     * by reading the object back: it is ours when it holds exactly {@code data}, so {@code data} should carry something
     * unique to the writer.
     */
    boolean putIfAbsent(String key, byte[] data);

    /** The object at {@code key}, or empty when there is none. */
    Optional<byte[]> get(String key);

    /** The size and last write time of the object at {@code key}, or empty when there is none. */
    Optional<ObjectInfo> stat(String key);

    /**
     * Up to {@code length} bytes of the object at {@code key} from byte {@code offset} on (a ranged GET on S3), for
     * readers that seek, such as a Parquet footer reader: fewer only where the object ends, none from its end on; empty
     * when there is no object. Two calls may see two versions of an object that is replaced in between.
     */
    Optional<byte[]> read(String key, long offset, int length);

    /** Every key under {@code prefix} (a folder such as {@code "events/_sluice/"}, or "" for all), sorted. */
    List<String> list(String prefix);

    /**
     * The objects directly in {@code folder} ("" for the root, else a folder ending in '/'; not those in folders below
     * it) whose name, the key after {@code folder}, sorts at or after {@code from} ("" for all), sorted by name. A
     * folder exists only while it holds an object: one with none, or none yet, lists nothing.
     */
    List<ObjectInfo> listFolder(String folder, String from);

    /** Deletes {@code key}; nothing happens when it does not exist. */
    void delete(String key);

    /**
     * A local directory for files being written before {@link #putFile}: beside the data on disk (so the rename is
     * atomic), under the system's temporary directory for S3.
     */
    Path stagingDirectory();

    @Override
    void close();
}
