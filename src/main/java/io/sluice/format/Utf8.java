package io.sluice.format;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: text is kept exactly, or the payload fails; never a lossy replacement character. */
public final class Utf8 {
    private Utf8() {}

    /**
     * The bytes as text.
     *
     * @param what what the bytes are, for the message: {@code "value (message_format string)"}
     * @param setting the setting that chooses the format, for the message: {@code message_format} or {@code key_format}
     * @throws DecodeException when the bytes are not valid UTF-8, naming the first bad byte and its position
     */
    public static String decode(byte[] bytes, String what, String setting) throws DecodeException {
        String s = new String(bytes, StandardCharsets.UTF_8);
        // the JDK's fast decoder replaces malformed input with U+FFFD: only then is a strict look needed
        if (s.indexOf('\uFFFD') < 0) {
            return s;
        }
        int bad = firstInvalid(bytes);
        if (bad < 0) {
            return s; // the text really holds U+FFFD
        }
        throw new DecodeException(what + " is not valid UTF-8 text: " + Payloads.describeByte(bytes, bad) + "; "
                + Payloads.looksLike(bytes, setting) + "or set " + setting + ": bytes to keep such bytes as they are");
    }

    /** The position of the first byte that is not part of valid UTF-8, or -1. */
    public static int firstInvalid(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            return in.position();
        }
        r = d.flush(out);
        return r.isError() ? in.position() : -1;
    }
}
