package io.sluice.format.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits .proto text into tokens, dropping whitespace and comments. Lines and columns count from 1. */
final class ProtoLexer {
    enum Kind { IDENT, INT, FLOAT, STRING, SYMBOL, EOF }

    /**
     * {@code text} is the source text (for STRING without quotes; {@code bytes} is its unescaped value);
     * {@code offset} and {@code end} delimit the token in the source.
     */
    record Token(Kind kind, String text, byte[] bytes, int line, int column, int offset, int end) {
        boolean is(String s) {
            return (kind == Kind.SYMBOL || kind == Kind.IDENT) && text.equals(s);
        }

        /** How the token is shown in "found ..." error messages. */
        String describe() {
            return switch (kind) {
                case EOF -> "end of file";
                case STRING -> "string \"" + abbreviate(text) + "\"";
                default -> "'" + abbreviate(text) + "'";
            };
        }

        private static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 37) + "..." : s;
        }
    }

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int column = 1;

    private ProtoLexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    static List<Token> tokenize(String file, String src) throws ProtoSchemaException {
        return new ProtoLexer(file, src).run();
    }

    private List<Token> run() throws ProtoSchemaException {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                tokens.add(new Token(Kind.EOF, "", null, line, column, pos, pos));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private void skipSpaceAndComments() throws ProtoSchemaException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B) {
                advance();
            } else if (c == '/' && peek(1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    advance();
                }
            } else if (c == '/' && peek(1) == '*') {
                int startLine = line;
                int startColumn = column;
                advance();
                advance();
                while (!(peek(0) == '*' && peek(1) == '/')) {
                    if (pos >= src.length()) {
                        throw ProtoSchemaException.at(file, startLine, startColumn, "unterminated /* comment");
                    }
                    advance();
                }
                advance();
                advance();
            } else {
                return;
            }
        }
    }

    private Token next() throws ProtoSchemaException {
        int startLine = line;
        int startColumn = column;
        int start = pos;
        char c = src.charAt(pos);
        if (isLetter(c)) {
            while (pos < src.length() && (isLetter(src.charAt(pos)) || isDigit(src.charAt(pos)))) {
                advance();
            }
            return new Token(Kind.IDENT, src.substring(start, pos), null, startLine, startColumn, start, pos);
        }
        if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
            return number(startLine, startColumn);
        }
        if (c == '"' || c == '\'') {
            return string(startLine, startColumn);
        }
        if ("{}[]()<>;,=.-+:/".indexOf(c) >= 0) {
            advance();
            return new Token(Kind.SYMBOL, String.valueOf(c), null, startLine, startColumn, start, pos);
        }
        throw ProtoSchemaException.at(file, startLine, startColumn, "unexpected character " + describeChar(c));
    }

    private Token number(int startLine, int startColumn) throws ProtoSchemaException {
        int start = pos;
        boolean isFloat = false;
        if (peek(0) == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
            advance();
            advance();
            if (!isHexDigit(peek(0))) {
                throw ProtoSchemaException.at(file, startLine, startColumn, "expected hex digits after '0x'");
            }
            while (isHexDigit(peek(0))) {
                advance();
            }
        } else {
            while (isDigit(peek(0))) {
                advance();
            }
            if (peek(0) == '.') {
                isFloat = true;
                advance();
                while (isDigit(peek(0))) {
                    advance();
                }
            }
            if (peek(0) == 'e' || peek(0) == 'E') {
                isFloat = true;
                advance();
                if (peek(0) == '+' || peek(0) == '-') {
                    advance();
                }
                if (!isDigit(peek(0))) {
                    throw ProtoSchemaException.at(file, line, column, "expected digits in the exponent of a number");
                }
                while (isDigit(peek(0))) {
                    advance();
                }
            }
            if (!isFloat && src.charAt(start) == '0' && pos - start > 1) {
                for (int i = start + 1; i < pos; i++) {
                    if (src.charAt(i) > '7') {
                        throw ProtoSchemaException.at(file, startLine, startColumn,
                                "invalid octal number " + src.substring(start, pos));
                    }
                }
            }
        }
        if (isLetter(peek(0))) {
            throw ProtoSchemaException.at(file, line, column,
                    "unexpected " + describeChar(peek(0)) + " after number " + src.substring(start, pos));
        }
        return new Token(isFloat ? Kind.FLOAT : Kind.INT, src.substring(start, pos), null, startLine, startColumn,
                start, pos);
    }

    private Token string(int startLine, int startColumn) throws ProtoSchemaException {
        char quote = src.charAt(pos);
        int start = pos;
        advance();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (pos >= src.length() || peek(0) == '\n') {
                throw ProtoSchemaException.at(file, startLine, startColumn, "unterminated string literal");
            }
            char c = src.charAt(pos);
            if (c == quote) {
                advance();
                break;
            }
            if (c == '\\') {
                escape(out);
                continue;
            }
            int cp = src.codePointAt(pos);
            int len = Character.charCount(cp);
            out.writeBytes(src.substring(pos, pos + len).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < len; i++) {
                advance();
            }
        }
        return new Token(Kind.STRING, src.substring(start + 1, pos - 1), out.toByteArray(), startLine, startColumn,
                start, pos);
    }

    private void escape(ByteArrayOutputStream out) throws ProtoSchemaException {
        int escLine = line;
        int escColumn = column;
        advance();
        if (pos >= src.length()) {
            throw ProtoSchemaException.at(file, escLine, escColumn, "unterminated string literal");
        }
        char c = src.charAt(pos);
        advance();
        switch (c) {
            case 'a' -> out.write(7);
            case 'b' -> out.write('\b');
            case 'f' -> out.write('\f');
            case 'n' -> out.write('\n');
            case 'r' -> out.write('\r');
            case 't' -> out.write('\t');
            case 'v' -> out.write(0x0B);
            case '\\', '\'', '"', '?' -> out.write(c);
            case 'x', 'X' -> {
                int value = 0;
                int digits = 0;
                while (digits < 2 && isHexDigit(peek(0))) {
                    value = value * 16 + Character.digit(src.charAt(pos), 16);
                    advance();
                    digits++;
                }
                if (digits == 0) {
                    throw ProtoSchemaException.at(file, escLine, escColumn, "expected hex digits after \\x");
                }
                out.write(value);
            }
            case 'u', 'U' -> {
                int want = c == 'u' ? 4 : 8;
                long value = 0;
                for (int i = 0; i < want; i++) {
                    if (!isHexDigit(peek(0))) {
                        throw ProtoSchemaException.at(file, escLine, escColumn,
                                "expected " + want + " hex digits after \\" + c);
                    }
                    value = value * 16 + Character.digit(src.charAt(pos), 16);
                    advance();
                }
                if (value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF)) {
                    throw ProtoSchemaException.at(file, escLine, escColumn,
                            "\\" + c + " escape is not a valid Unicode code point");
                }
                out.writeBytes(new String(Character.toChars((int) value)).getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int value = c - '0';
                    for (int i = 0; i < 2 && peek(0) >= '0' && peek(0) <= '7'; i++) {
                        value = value * 8 + (src.charAt(pos) - '0');
                        advance();
                    }
                    out.write(value & 0xFF);
                } else {
                    throw ProtoSchemaException.at(file, escLine, escColumn,
                            "invalid escape sequence \\" + describeChar(c).replace("'", ""));
                }
            }
        }
    }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        pos++;
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String describeChar(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
