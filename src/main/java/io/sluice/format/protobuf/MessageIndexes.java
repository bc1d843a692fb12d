package io.sluice.format.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.sluice.format.DecodeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The message-index list of Confluent's Protobuf wire format, between the schema id and the message bytes: a
 * zig-zag varint count N, then N zig-zag varints, the first an index into the file's top-level messages and each
 * further one into the previous message's nested types. A count of 0 (a single 0 byte) stands for {@code [0]}.
 */
public final class MessageIndexes {
    /** More nesting than any real schema has; a larger count means the payload is not what we think. */
    public static final int MAX_COUNT = 100;

    private static final int[] FIRST_MESSAGE = {0};

    private MessageIndexes() {
    }

    /** Reads the index list at the buffer's position and advances past it. */
    public static int[] read(ByteBuffer buf) throws DecodeException {
        int count = readZigZag(buf, "message index count");
        if (count == 0) {
            return FIRST_MESSAGE.clone();
        }
        if (count < 0 || count > MAX_COUNT) {
            throw new DecodeException("invalid Protobuf message index count " + count + " (expected 0 to "
                    + MAX_COUNT + ")");
        }
        int[] indexes = new int[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = readZigZag(buf, "message index " + (i + 1) + " of " + count);
            if (indexes[i] < 0) {
                throw new DecodeException("invalid Protobuf message index " + indexes[i] + " at position " + i
                        + " of " + Arrays.toString(Arrays.copyOf(indexes, i + 1)));
            }
        }
        return indexes;
    }

    /** The message the indexes point at in {@code file}. */
    public static Descriptor resolve(FileDescriptor file, int[] indexes) throws DecodeException {
        if (indexes.length == 0) {
            throw new DecodeException("empty Protobuf message index list");
        }
        List<Descriptor> level = file.getMessageTypes();
        Descriptor current = null;
        for (int i = 0; i < indexes.length; i++) {
            int index = indexes[i];
            if (index < 0 || index >= level.size()) {
                String where = current == null ? "top level of " + file.getName()
                        : "message " + current.getFullName();
                throw new DecodeException("Protobuf message index path " + Arrays.toString(indexes)
                        + ": index " + index + " at position " + i + " is out of range; the " + where + " has "
                        + level.size() + " message" + (level.size() == 1 ? "" : "s"));
            }
            current = level.get(index);
            level = current.getNestedTypes();
        }
        return current;
    }

    /** The bytes {@link #read} reads back as {@code indexes}; {@code [0]} is the single byte 0. */
    public static byte[] encode(int[] indexes) {
        if (indexes.length == 0 || indexes.length > MAX_COUNT) {
            throw new IllegalArgumentException("message index list must have 1 to " + MAX_COUNT + " entries, has "
                    + indexes.length);
        }
        if (indexes.length == 1 && indexes[0] == 0) {
            return new byte[] {0};
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeZigZag(out, indexes.length);
        for (int index : indexes) {
            if (index < 0) {
                throw new IllegalArgumentException("negative message index in " + Arrays.toString(indexes));
            }
            writeZigZag(out, index);
        }
        return out.toByteArray();
    }

    private static int readZigZag(ByteBuffer buf, String what) throws DecodeException {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!buf.hasRemaining()) {
                throw new DecodeException("truncated Protobuf message indexes: the payload ends inside the varint of "
                        + what);
            }
            byte b = buf.get();
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new DecodeException("invalid Protobuf message indexes: the varint of " + what
                + " is longer than 5 bytes");
    }

    private static void writeZigZag(ByteArrayOutputStream out, int value) {
        int raw = (value << 1) ^ (value >> 31);
        while ((raw & ~0x7F) != 0) {
            out.write((raw & 0x7F) | 0x80);
            raw >>>= 7;
        }
        out.write(raw);
    }
}
