package io.sluice.sink.delta;

import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.sluice.pipeline.SluiceException;
import io.sluice.storage.ObjectStore;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads one object by position with ranged reads: small reads are served from a read-ahead chunk (a log file is one
 * request), large ones (a Parquet column chunk) go straight to the caller's array, at most {@link #MAX_REQUEST} bytes a
 * request. Where the object ends is learnt from the reads, never from a size the caller passed: Kernel opens
 * {@code _last_checkpoint} with a placeholder size of 0, and must get the file's content, or a
 * {@link FileNotFoundException} when there is none (it waits a second and tries again on an empty read). Opening
 * makes no request; a missing object fails the first read. Not thread-safe, as streams are not.
 */
final class StoreInputStream extends SeekableInputStream {
    static final int CHUNK = 1 << 20;
    static final int MAX_REQUEST = 8 << 20;

    private final ObjectStore store;
    private final String key;
    private long pos;
    private byte[] buf = new byte[0];
    private long bufStart;
    private long end = -1; // where the object ends, once a short read has shown it
    private boolean closed;

    StoreInputStream(ObjectStore store, String key) {
        this.store = store;
        this.key = key;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(store.describe(key) + ": read after the stream was closed");
        }
        if (len == 0) {
            return 0;
        }
        if (end >= 0 && pos >= end) {
            return -1; // known without asking again (a reader reads once more to see the end)
        }
        if (pos < bufStart || pos >= bufStart + buf.length) {
            if (len >= CHUNK) {
                byte[] got = fetch(pos, Math.min(len, MAX_REQUEST));
                System.arraycopy(got, 0, b, off, got.length);
                pos += got.length;
                return got.length == 0 ? -1 : got.length;
            }
            buf = fetch(pos, CHUNK);
            bufStart = pos;
            if (buf.length == 0) {
                return -1;
            }
        }
        int n = (int) Math.min(len, bufStart + buf.length - pos);
        System.arraycopy(buf, (int) (pos - bufStart), b, off, n);
        pos += n;
        return n;
    }

    private byte[] fetch(long offset, int n) throws IOException {
        byte[] got;
        try {
            got = store.read(key, offset, n).orElseThrow(() -> new FileNotFoundException(store.describe(key)
                    + " does not exist"));
        } catch (SluiceException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (got.length < n) {
            end = offset + got.length;
        }
        return got;
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        for (int done = 0; done < len; ) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException(store.describe(key) + " ends at byte " + pos + ", " + (len - done)
                        + " bytes before the end of the read");
            }
            done += n;
        }
    }

    @Override
    public long getPos() {
        return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
        if (newPos < 0) {
            throw new EOFException(store.describe(key) + ": cannot seek to byte " + newPos);
        }
        pos = newPos;
    }

    @Override
    public long skip(long n) {
        if (n <= 0) {
            return 0;
        }
        pos += n; // as a seek: past the end, reads answer -1
        return n;
    }

    @Override
    public int available() {
        return pos >= bufStart && pos < bufStart + buf.length ? (int) (bufStart + buf.length - pos) : 0;
    }

    @Override
    public void close() {
        closed = true;
        buf = new byte[0];
    }
}
