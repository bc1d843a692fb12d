package io.sluice.sink.delta;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.sluice.pipeline.SluiceException;
import io.sluice.storage.ObjectInfo;
import io.sluice.storage.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Delta Kernel's file access over one of Sluice's stores, for {@code DefaultEngine.create(new StoreFileIO(store))}: a
 * table's log, checkpoints and hints are read and written with the store's retries and error messages, and never
 * through Hadoop's file systems or Delta's log stores (whose local one can lose a commit to a racing writer and whose S3
 * one locks within one JVM only).
 *
 * <p><b>Paths.</b> Kernel names files by full paths, {@code file:/dir/table/_delta_log/…} or
 * {@code s3://bucket/prefix/table/_delta_log/…}; {@link #pathOf} gives the one to hand Kernel for a table's key, and a
 * path outside the store's root fails (stage WRITE) naming it.
 *
 * <p><b>Commits.</b> Kernel writes each commit {@code N.json} with {@code writeAtomically(lines, overwrite=false)}, a
 * {@link ObjectStore#putIfAbsent}: a hard link on disk, {@code If-None-Match: *} on S3, exactly one winner across
 * processes. When the key exists it throws {@link FileAlreadyExistsException}, and Kernel checks the winner for
 * conflicts and retries at the next version. A lost answer is settled in two places:
 * <ul>
 *   <li>inside {@code putIfAbsent}: an attempt that S3 answered 412 after an earlier attempt of the same call went
 *       unanswered is ours when the object holds our bytes. That is sound because every commit carries Kernel's
 *       random {@code txnId} in its {@code commitInfo}, so no other writer's entry has the same bytes;</li>
 *   <li>when the store gives up (retries spent, or any other failure of the write), Kernel gets an
 *       {@link IOException} that is <em>not</em> a {@link FileAlreadyExistsException}: it retries the same version
 *       (at once, up to the transaction's retry limit). Finding the key then taken, it throws
 *       {@code CommitStateUnknownException}: the entry may be ours. The sink settles that by reading the table
 *       (its transaction version for the app id), never by writing again.</li>
 * </ul>
 * Every other failure of the store reaches Kernel as an {@link IOException} too, with Sluice's message (naming the
 * location) and the store's {@link SluiceException} as its cause; a missing file is a {@link FileNotFoundException}.
 *
 * <p><b>Folders.</b> A store holds keys, not directories: {@link #mkdirs} does nothing (a write makes what it needs),
 * and a folder exists while it holds an object, so {@link #listFrom} in an empty or missing one throws
 * {@link FileNotFoundException} (Kernel reads either as "no table here"). Thread-safe.
 */
final class StoreFileIO implements FileIO {
    private final ObjectStore store;
    private final StorePaths paths;

    StoreFileIO(ObjectStore store) {
        this.store = store;
        this.paths = new StorePaths(store.location());
    }

    /** The full path Kernel names {@code key} by (a table's folder such as {@code "orders"}; "" for the root). */
    String pathOf(String key) {
        return paths.pathOf(key);
    }

    /** The store key of a path from Kernel; fails (stage WRITE) naming the path when it is outside the root. */
    String keyOf(String path) {
        return paths.keyOf(path);
    }

    /** The files in {@code filePath}'s folder whose names sort at or after its name, sorted; not those of subfolders. */
    @Override
    public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
        String key = paths.keyOf(filePath);
        int slash = key.lastIndexOf('/');
        String folder = slash < 0 ? "" : key.substring(0, slash + 1);
        String from = key.substring(slash + 1);
        try {
            List<ObjectInfo> found = store.listFolder(folder, from);
            if (found.isEmpty() && store.listFolder(folder, "").isEmpty()) {
                throw new FileNotFoundException(store.describe(slash < 0 ? "" : key.substring(0, slash)) + "/ holds no files");
            }
            return iterator(found.stream().map(this::status).iterator());
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public FileStatus getFileStatus(String path) throws IOException {
        String key = paths.keyOf(path);
        Optional<ObjectInfo> info;
        try {
            info = store.stat(key);
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
        return status(info.orElseThrow(() -> new FileNotFoundException(store.describe(key) + " does not exist")));
    }

    /** The path in its one spelling ({@code file:/…} or {@code s3://…}); it need not exist. */
    @Override
    public String resolvePath(String path) {
        return paths.pathOf(paths.keyOf(path));
    }

    /** Nothing to do: folders come into being with the objects in them. True, unless the path is outside the root. */
    @Override
    public boolean mkdirs(String path) {
        paths.keyOf(path);
        return true;
    }

    /**
     * A file read by position. {@code fileSize} is only what {@link InputFile#length} answers when positive: Kernel
     * passes -1 when it does not know, and 0 as a placeholder for {@code _last_checkpoint}.
     */
    @Override
    public InputFile newInputFile(String path, long fileSize) {
        String key = paths.keyOf(path);
        return new InputFile() {
            @Override
            public long length() throws IOException {
                return fileSize > 0 ? fileSize : getFileStatus(path).getSize();
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public SeekableInputStream newStream() {
                return new StoreInputStream(store, key);
            }
        };
    }

    @Override
    public OutputFile newOutputFile(String path) {
        return new StoreOutputFile(store, paths.keyOf(path), path);
    }

    /** Deletes the object; true also when there was none (the store does not tell, and Kernel only counts). */
    @Override
    public boolean delete(String path) throws IOException {
        String key = paths.keyOf(path);
        try {
            store.delete(key);
            return true;
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** No settings: Kernel's defaults apply (Parquet sizes of checkpoints, reader batch sizes). */
    @Override
    public Optional<String> getConf(String confKey) {
        return Optional.empty();
    }

    /**
     * Copies a whole object (read into memory: for log-sized files). Kernel 4.4.0 declares it but never calls it; it
     * follows {@link OutputFile#writeAtomically}: without {@code overwrite}, a create-if-absent.
     */
    @Override
    public void copyFileAtomically(String srcPath, String destPath, boolean overwrite) throws IOException {
        String src = paths.keyOf(srcPath);
        String dest = paths.keyOf(destPath);
        try {
            byte[] data = store.get(src).orElseThrow(() -> new FileNotFoundException(store.describe(src)
                    + " does not exist"));
            if (overwrite) {
                store.put(dest, data);
            } else if (!store.putIfAbsent(dest, data)) {
                throw new FileAlreadyExistsException(store.describe(dest), null, "it exists already");
            }
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "StoreFileIO[" + store + "]";
    }

    private FileStatus status(ObjectInfo o) {
        return FileStatus.of(paths.pathOf(o.key()), o.size(), o.modified().toEpochMilli());
    }

    private static <T> CloseableIterator<T> iterator(Iterator<T> it) {
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {}
        };
    }
}
