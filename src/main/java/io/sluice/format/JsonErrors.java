package io.sluice.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says what is wrong with a payload that is not JSON in Sluice's words, from what the bytes look like and where
 * the parser stopped, never with the parser's own message (its feature flags and internals mean nothing to a user).
 */
public final class JsonErrors {
    private static final Pattern FOUND = Pattern.compile("Unexpected character \\('(.+?)' \\(code (\\d+)\\)\\)");
    private static final Pattern TOKEN = Pattern.compile("(?:Unrecognized|Non-standard) token '(.*?)'");
    private static final Pattern CTRL = Pattern.compile("CTRL-CHAR, code (\\d+)");
    private static final Pattern ESCAPE = Pattern.compile("Unrecognized character escape '(.+?)'");
    private static final Pattern CLOSE = Pattern.compile("Unexpected close marker '(.)'");
    private static final Pattern LIMIT = Pattern.compile("^(.+?) \\((\\d+)\\) exceeds the maximum (?:allowed )?\\((\\d+)");

    private JsonErrors() {}

    /**
     * Checks the start of a payload before it is parsed: binary data (NUL or other control bytes among the first
     * bytes) would otherwise be read as UTF-16 or UTF-32 text by the parser.
     *
     * @throws DecodeException saying what the bytes look like
     */
    public static void checkStart(byte[] buf, int offset, int length) throws DecodeException {
        int n = Math.min(length, 4);
        for (int i = 0; i < n; i++) {
            int c = buf[offset + i] & 0xff;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                byte[] b = Arrays.copyOfRange(buf, offset, offset + Math.min(length, 64));
                throw new DecodeException("value is not JSON: " + strip(Payloads.looksLike(b)));
            }
        }
    }

    /** What is wrong with a payload the parser could not read. */
    public static DecodeException notValidJson(IOException e, byte[] buf, int offset, int length) {
        if (e instanceof JsonFields.RepeatedField) {
            return new DecodeException(e.getMessage());
        }
        if (!(e instanceof JsonProcessingException j)) {
            return new DecodeException("not valid JSON: the value could not be read");
        }
        long at = j.getLocation() == null ? -1 : j.getLocation().getByteOffset() - offset;
        String m = j.getOriginalMessage() == null ? "" : j.getOriginalMessage();
        String where = at >= 0 ? " at byte " + at : "";

        if (e instanceof StreamConstraintsException) {
            Matcher l = LIMIT.matcher(m);
            return new DecodeException("not valid JSON for Sluice: " + (l.find()
                    ? l.group(1).toLowerCase(java.util.Locale.ROOT) + " " + l.group(2) + " is above the limit of " + l.group(3)
                    : "the value exceeds a size limit of the JSON reader"));
        }
        if (m.startsWith("Invalid UTF-8")) {
            byte[] b = Arrays.copyOfRange(buf, offset, offset + length);
            int bad = Utf8.firstInvalid(b);
            return new DecodeException("not valid JSON: the value is not UTF-8 text: "
                    + Payloads.describeByte(b, bad < 0 ? (int) Math.max(at, 0) : bad) + " is not valid UTF-8"
                    + (Payloads.binary(b) ? "; " + strip(Payloads.looksLike(b)) : ""));
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return new DecodeException("not valid JSON: the value ends at byte " + length
                    + " in the middle of " + (m.contains("VALUE_STRING") ? "a string" : m.contains("Array") ? "an array" : "an object")
                    + " (truncated?)");
        }
        return new DecodeException("not valid JSON" + where + ": " + reason(m));
    }

    private static String strip(String hint) {
        return hint.endsWith("; ") ? hint.substring(0, hint.length() - 2) : hint;
    }

    private static String reason(String m) {
        Matcher t = TOKEN.matcher(m);
        if (t.find()) {
            String token = t.group(1);
            if (token.matches("[-+]?(NaN|Infinity|INF)")) {
                return token + " is not a JSON number (JSON has no NaN or Infinity; write null or a string instead)";
            }
            return "'" + token + "' is not a JSON value (text needs double quotes; the words JSON knows are true, false and null)";
        }
        Matcher c = CTRL.matcher(m);
        if (c.find()) {
            String ch = String.format("U+%04X", Integer.parseInt(c.group(1)));
            return m.startsWith("Illegal unquoted character")
                    ? "a string holds the control character " + ch + " unescaped (JSON strings escape it, e.g. as \\n or \\u000a)"
                    : "the control character " + ch + " stands between values, where only white space may";
        }
        Matcher esc = ESCAPE.matcher(m);
        if (esc.find()) {
            return "a string holds the escape \\" + esc.group(1) + ", which JSON does not have";
        }
        if (m.contains("hex-digit")) {
            return "a \\u escape in a string needs four hex digits";
        }
        if (m.contains("Leading zeroes")) {
            return "a number starts with a zero, which JSON does not allow (write 1, not 01)";
        }
        Matcher close = CLOSE.matcher(m);
        if (close.find()) {
            return "'" + close.group(1) + "' does not close the object or array that is open (brackets do not match)";
        }
        Matcher f = FOUND.matcher(m);
        if (f.find()) {
            String found = Integer.parseInt(f.group(2)) < 0x20 ? String.format("U+%04X", Integer.parseInt(f.group(2)))
                    : "'" + f.group(1) + "'";
            if (m.contains("comment")) {
                return "found " + found + ", the start of a comment, which JSON does not have";
            }
            if (m.contains("in numeric value")) {
                return "a number is malformed at " + found + (m.contains("plus sign") ? " (JSON numbers have no plus sign)" : "");
            }
            if (m.contains("start field name")) {
                return "expected a field name in double quotes, found " + found
                        + (found.equals("'}'") ? " (a comma before it?)" : "");
            }
            if (m.contains("colon")) {
                return "expected ':' after a field name, found " + found;
            }
            if (m.contains("comma")) {
                return "expected ',' between entries, found " + found;
            }
            if (m.contains("value")) {
                return "expected a value, found " + found + (found.equals("'''") ? " (JSON strings use double quotes)" : "");
            }
            return "unexpected " + found;
        }
        return "the value is not well-formed";
    }
}
