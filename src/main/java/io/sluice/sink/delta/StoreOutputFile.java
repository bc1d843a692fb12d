package io.sluice.sink.delta;

import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.sluice.pipeline.SluiceException;
import io.sluice.storage.LocalStore;
import io.sluice.storage.ObjectStore;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * One file Kernel writes: a log entry or hint through {@link #writeAtomically}, a checkpoint through {@link #create}.
 * Every failure of the store reaches Kernel as an {@link IOException} other than {@link FileAlreadyExistsException}, so
 * that Kernel retries a commit whose outcome it cannot know at the same version (see {@link StoreFileIO}).
 */
final class StoreOutputFile implements OutputFile {
    private final ObjectStore store;
    private final String key;
    private final String path;

    StoreOutputFile(ObjectStore store, String key, String path) {
        this.store = store;
        this.key = key;
        this.path = path;
    }

    @Override
    public String path() {
        return path;
    }

    /**
     * Writes the lines, each ended by '\n'. Without {@code overwrite} a create-if-absent ({@link ObjectStore#putIfAbsent}):
     * throws {@link FileAlreadyExistsException} when the key exists, which Kernel takes for another writer's commit of
     * this version. With it, a replacing {@link ObjectStore#put}.
     */
    @Override
    public void writeAtomically(CloseableIterator<String> data, boolean overwrite) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (data) {
            while (data.hasNext()) {
                bytes.write(data.next().getBytes(StandardCharsets.UTF_8));
                bytes.write('\n');
            }
        }
        try {
            if (overwrite) {
                store.put(key, bytes.toByteArray());
            } else if (!store.putIfAbsent(key, bytes.toByteArray())) {
                throw new FileAlreadyExistsException(store.describe(key), null, "another writer created it first");
            }
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * A stream into a staging file, moved to the key when closed ({@link ObjectStore#putFile}: readers never see a part
     * of it; it replaces what is there), whether or not {@code atomicWrite} is asked for.
     */
    @Override
    public PositionOutputStream create(boolean atomicWrite) throws IOException {
        Path staging;
        try {
            staging = store.stagingDirectory().resolve("delta-" + UUID.randomUUID());
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
        OutputStream out;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(staging, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 16);
        } catch (IOException e) {
            throw new IOException("cannot create " + staging + " (for " + store.describe(key) + "): "
                    + LocalStore.cause(e), e);
        }
        return new Staged(out, staging);
    }

    private final class Staged extends PositionOutputStream {
        private final OutputStream out;
        private final Path staging;
        private long pos;
        private boolean closed;

        Staged(OutputStream out, Path staging) {
            this.out = out;
            this.staging = staging;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pos += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close();
                store.putFile(key, staging);
            } catch (IOException e) {
                Files.deleteIfExists(staging);
                throw new IOException("cannot write " + staging + " (for " + store.describe(key) + "): "
                        + LocalStore.cause(e), e);
            } catch (SluiceException e) {
                Files.deleteIfExists(staging);
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
