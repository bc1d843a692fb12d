package io.sluice.format;

/** What a payload's bytes look like, in Sluice's words, for decode errors. */
public final class Payloads {
    private Payloads() {}

    /** {@code byte 0xf8 at byte 11}; positions count from 0. */
    static String describeByte(byte[] b, int at) {
        return at < b.length ? String.format("byte 0x%02x at byte %d", b[at] & 0xff, at) : "the end at byte " + at;
    }

    /** Whether the payload starts like the registry's wire format: magic byte 0 and a 4-byte schema id. */
    static boolean framed(byte[] b) {
        return b.length >= WireFormat.HEADER && b[0] == 0;
    }

    /** Whether the first bytes hold control characters other than white space: binary data, not text. */
    static boolean binary(byte[] b) {
        int n = Math.min(b.length, 64);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * A hint on what the bytes are, ending with "; " (or empty when nothing stands out), for a payload that did not
     * decode as text or JSON. {@code setting} is {@code message_format} or {@code key_format}.
     */
    static String looksLike(byte[] b, String setting) {
        if (framed(b)) {
            return "it starts with the magic byte 0 of the Confluent wire format (schema id "
                    + ((b[1] & 0xff) << 24 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 8 | (b[4] & 0xff))
                    + "), so it was written through a schema registry: set " + setting
                    + ": avro, protobuf or json_schema with a schema_registry_url; ";
        }
        if (binary(b)) {
            return "it looks like binary data (it starts with " + hex(b, 8)
                    + "), such as Avro or Protobuf without a registry's header: set " + setting
                    + ": avro or protobuf with a schema_file, or bytes; ";
        }
        return "";
    }

    static String looksLike(byte[] b) {
        return looksLike(b, "message_format");
    }

    /** The first {@code n} bytes in hex: {@code 0a 05 68 65}. */
    static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            s.append(i > 0 ? " " : "").append(String.format("%02x", b[i] & 0xff));
        }
        return s.append(b.length > n ? " ..." : "").toString();
    }
}
