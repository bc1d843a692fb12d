package io.sluice.format.avro;

import io.sluice.format.DecodeException;
import java.nio.charset.StandardCharsets;

/**
 * Reads Avro's binary encoding from a byte range. Every length is checked against the bytes left before
 * anything is allocated, so a corrupt payload fails with a {@link DecodeException}, never with a huge
 * allocation or an index error.
 */
final class Cursor {
    private final byte[] buf;
    private int pos;
    private final int limit;

    Cursor(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    long readLong() throws DecodeException {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (pos >= limit) {
                throw truncated("a long");
            }
            byte b = buf[pos++];
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new DecodeException("corrupt Avro payload: a variable-length long runs past 10 bytes at byte " + pos);
            }
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    int readInt() throws DecodeException {
        long v = readLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new DecodeException("corrupt Avro payload: int value " + v + " out of range before byte " + pos);
        }
        return (int) v;
    }

    boolean readBoolean() throws DecodeException {
        if (pos >= limit) {
            throw truncated("a boolean");
        }
        byte b = buf[pos++];
        if (b != 0 && b != 1) {
            throw new DecodeException("corrupt Avro payload: boolean byte " + b + " at byte " + (pos - 1));
        }
        return b == 1;
    }

    float readFloat() throws DecodeException {
        return Float.intBitsToFloat(fixedInt());
    }

    double readDouble() throws DecodeException {
        long lo = fixedInt() & 0xffffffffL;
        long hi = fixedInt() & 0xffffffffL;
        return Double.longBitsToDouble(hi << 32 | lo);
    }

    private int fixedInt() throws DecodeException {
        if (limit - pos < 4) {
            throw truncated("4 bytes");
        }
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** A length prefix, checked against what is left. */
    int readLength(String what) throws DecodeException {
        long n = readLong();
        if (n < 0 || n > limit - pos) {
            throw new DecodeException("corrupt Avro payload: " + what + " length " + n + " at byte " + pos + ", but "
                    + (limit - pos) + " bytes are left");
        }
        return (int) n;
    }

    byte[] readBytes() throws DecodeException {
        return readFixed(readLength("bytes"));
    }

    byte[] readFixed(int n) throws DecodeException {
        if (n > limit - pos) {
            throw truncated(n + " bytes");
        }
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    String readString() throws DecodeException {
        int n = readLength("string");
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /**
     * The item count of the next array or map block; 0 ends the collection. A negative count is followed by the
     * block's size in bytes, which is skipped over here.
     */
    long readBlockCount() throws DecodeException {
        long n = readLong();
        if (n < 0) {
            if (n == Long.MIN_VALUE) {
                throw new DecodeException("corrupt Avro payload: block count out of range at byte " + pos);
            }
            readLong();
            n = -n;
        }
        // each item takes at least one byte unless it is null-typed; bound it by what is left to stop absurd counts
        if (n > (long) (limit - pos) + 1_000_000L) {
            throw new DecodeException("corrupt Avro payload: block of " + n + " items at byte " + pos + ", but only "
                    + (limit - pos) + " bytes are left");
        }
        return n;
    }

    private DecodeException truncated(String what) {
        return new DecodeException("truncated Avro payload: expected " + what + " at byte " + pos + ", but it ends at byte " + limit);
    }
}
