package io.sluice.manifest;

import java.util.Optional;

/**
 * The hint for YAML's most common trap in manifests: inside a flow list or mapping ({@code [...]}, {@code {...}}) an
 * unquoted {@code ${VAR}} is not text, because YAML reads its braces as the start of a mapping, so
 * {@code topics: [${TOPIC}]} fails to parse. The hint shows the line with every such value quoted.
 */
final class FlowVariables {
    private FlowVariables() {}

    /**
     * The hint for a YAML error at 1-based {@code line} of {@code text}, if that line holds an unquoted
     * {@code ${...}} and the parser was inside a flow collection ({@code context} names it).
     */
    static Optional<String> hint(String text, int line, String context) {
        String[] lines = text.split("\r?\n", -1);
        if (line < 1 || line > lines.length || context == null || !context.contains("flow")) {
            return Optional.empty();
        }
        String original = lines[line - 1];
        String quoted = quote(original);
        if (quoted.equals(original)) {
            return Optional.empty();
        }
        return Optional.of("an unquoted ${...} inside [ ] or { } is read as YAML braces; quote it: " + quoted.strip());
    }

    /** The line with each unquoted flow value that holds a {@code ${...}} put in double quotes. */
    static String quote(String l) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < l.length()) {
            char c = l.charAt(i);
            if (c == '"' || c == '\'') {
                int close = l.indexOf(c, i + 1);
                int end = close < 0 ? l.length() : close + 1;
                out.append(l, i, end);
                i = end;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(l.charAt(i - 1)))) {
                out.append(l, i, l.length());
                break;
            } else if (c == '$' && l.startsWith("${", i)) {
                int start = tokenStart(out);
                int end = tokenEnd(l, i);
                String token = out.substring(start) + l.substring(i, end);
                String trimmed = token.stripTrailing();
                out.setLength(start);
                out.append('"').append(trimmed.replace("\"", "\\\"")).append('"').append(token.substring(trimmed.length()));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Where the value being written to {@code out} began: after the last flow indicator or "key: ", and spaces. */
    private static int tokenStart(StringBuilder out) {
        int j = out.length();
        while (j > 0) {
            char p = out.charAt(j - 1);
            if (p == '[' || p == ',' || p == '{' || p == ':' && j < out.length() && out.charAt(j) == ' ') {
                break;
            }
            j--;
        }
        while (j < out.length() && out.charAt(j) == ' ') {
            j++;
        }
        return j;
    }

    /** Where the value holding the {@code ${} at {@code i} ends: at the next flow indicator outside a {@code ${...}}. */
    private static int tokenEnd(String l, int i) {
        int j = i;
        while (j < l.length()) {
            if (l.startsWith("${", j)) {
                int close = l.indexOf('}', j + 2);
                j = close < 0 ? l.length() : close + 1;
                continue;
            }
            char c = l.charAt(j);
            if (c == ',' || c == ']' || c == '}' || c == '#' && Character.isWhitespace(l.charAt(j - 1))) {
                break;
            }
            j++;
        }
        return j;
    }
}
