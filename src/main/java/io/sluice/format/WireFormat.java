package io.sluice.format;

/**
 * The Schema Registry's framing of a payload: magic byte 0, then the schema id as 4 big-endian bytes, then
 * (for Protobuf, message indexes and) the encoded value.
 */
public final class WireFormat {
    /** Bytes before the payload (or the Protobuf message indexes). */
    public static final int HEADER = 5;

    private WireFormat() {}

    /** The schema id of a framed payload; says what is wrong when the value is not framed. */
    public static int schemaId(byte[] value) throws DecodeException {
        if (value.length == 0) {
            throw new DecodeException("value is empty, expected the schema registry's wire format (magic byte 0, schema id)");
        }
        if (value[0] != 0) {
            String hint = value[0] == '{' || value[0] == '[' ? " (it looks like plain JSON: message_format json?)"
                    : " (was it written without the schema registry? set wire_format: plain with a schema_file)";
            throw new DecodeException("value does not start with the schema registry's magic byte 0 but with 0x"
                    + String.format("%02x", value[0] & 0xff) + hint);
        }
        if (value.length < HEADER) {
            throw new DecodeException("value is " + value.length + " bytes, too short for the schema registry's"
                    + " 5-byte header (magic byte, schema id)");
        }
        return (value[1] & 0xff) << 24 | (value[2] & 0xff) << 16 | (value[3] & 0xff) << 8 | (value[4] & 0xff);
    }

    /** Frames a payload, for producers such as {@code sluice generate}. */
    public static byte[] frame(int schemaId, byte[] prefix, byte[] payload) {
        byte[] out = new byte[HEADER + prefix.length + payload.length];
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
        System.arraycopy(prefix, 0, out, HEADER, prefix.length);
        System.arraycopy(payload, 0, out, HEADER + prefix.length, payload.length);
        return out;
    }
}
