package io.sluice.format.protobuf;

import io.sluice.format.protobuf.ProtoLexer.Kind;
import io.sluice.format.protobuf.ProtoLexer.Token;
import io.sluice.format.protobuf.ProtoOptions.Constant;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The tokens of one .proto file with a cursor, and the small grammar pieces shared by all statements. */
final class TokenStream {
    private final String file;
    private final String source;
    private final List<Token> tokens;
    private int index;

    TokenStream(String file, String source, List<Token> tokens) {
        this.file = file;
        this.source = source;
        this.tokens = tokens;
    }

    ProtoSchemaException error(Token at, String what) {
        return ProtoSchemaException.at(file, at.line(), at.column(), what);
    }

    /** The option's name, or null for a custom option such as {@code (my.opt).field}, which is ignored. */
    String optionName() throws ProtoSchemaException {
        Token start = peek();
        boolean custom = false;
        StringBuilder name = new StringBuilder();
        do {
            if (name.length() > 0) {
                name.append('.');
            }
            if (tryConsume("(")) {
                custom = true;
                tryConsume(".");
                name.append('(').append(fullIdent("option name")).append(')');
                expect(")", "after custom option name");
            } else {
                name.append(ident("option name"));
            }
        } while (tryConsume("."));
        if (custom) {
            return null;
        }
        if (name.indexOf(".") >= 0) {
            throw error(start, "option \"" + name + "\" is not supported (only custom options in parentheses and "
                    + "built-in options without sub-fields are)");
        }
        return name.toString();
    }

    Constant constant() throws ProtoSchemaException {
        Token start = peek();
        if (tryConsume("{")) {
            Token close = skipAggregate(start);
            return new Constant(null, false, start, source.substring(start.end(), close.offset()));
        }
        boolean negative = false;
        if (tryConsume("-")) {
            negative = true;
        } else {
            tryConsume("+");
        }
        Token t = next();
        switch (t.kind()) {
            case INT, FLOAT -> {
                return new Constant(t, negative, start, null);
            }
            case IDENT -> {
                if (negative && !t.is("inf") && !t.is("nan")) {
                    throw error(t, "expected a number after '-', found " + t.describe());
                }
                StringBuilder full = new StringBuilder(t.text());
                while (peek().is(".") && peek(1).kind() == Kind.IDENT) {
                    next();
                    full.append('.').append(next().text());
                }
                Token ident = new Token(Kind.IDENT, full.toString(), null, t.line(), t.column(), t.offset(),
                        peek(-1).end());
                return new Constant(ident, negative, start, null);
            }
            case STRING -> {
                if (negative) {
                    throw error(t, "expected a number after '-', found " + t.describe());
                }
                return new Constant(joinStrings(t), false, start, null);
            }
            default -> throw error(t, "expected a value (number, string, identifier or { ... }), found "
                    + t.describe());
        }
    }

    /** Skips a text-format message value up to its matching '}', which it returns. */
    Token skipAggregate(Token open) throws ProtoSchemaException {
        int depth = 1;
        while (depth > 0) {
            Token t = next();
            if (t.kind() == Kind.EOF) {
                throw error(open, "unterminated { ... } option value");
            }
            if (t.is("{")) {
                depth++;
            } else if (t.is("}")) {
                depth--;
            }
            if (depth == 0) {
                return t;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Joins a string token with the string tokens right after it, as C does. */
    Token joinStrings(Token first) {
        if (peek().kind() != Kind.STRING) {
            return first;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder text = new StringBuilder(first.text());
        bytes.writeBytes(first.bytes());
        while (peek().kind() == Kind.STRING) {
            Token t = next();
            bytes.writeBytes(t.bytes());
            text.append(t.text());
        }
        return new Token(Kind.STRING, text.toString(), bytes.toByteArray(), first.line(), first.column(),
                first.offset(), peek(-1).end());
    }

    String concatenated(Token first) {
        return new String(joinStrings(first).bytes(), StandardCharsets.UTF_8);
    }

    String typeName(String what) throws ProtoSchemaException {
        if (tryConsume(".")) {
            return "." + fullIdent(what);
        }
        return fullIdent(what);
    }

    String fullIdent(String what) throws ProtoSchemaException {
        StringBuilder s = new StringBuilder(ident(what));
        while (tryConsume(".")) {
            s.append('.').append(ident(what));
        }
        return s.toString();
    }

    String ident(String what) throws ProtoSchemaException {
        Token t = next();
        if (t.kind() != Kind.IDENT) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return t.text();
    }

    void expect(String symbol, String context) throws ProtoSchemaException {
        Token t = peek();
        if (!t.is(symbol)) {
            throw error(t, "expected '" + symbol + "' " + context + ", found " + t.describe());
        }
        index++;
    }

    boolean tryConsume(String s) {
        if (peek().is(s)) {
            index++;
            return true;
        }
        return false;
    }

    Token peek() {
        return tokens.get(index);
    }

    Token peek(int ahead) {
        int i = Math.max(0, Math.min(index + ahead, tokens.size() - 1));
        return tokens.get(i);
    }

    Token next() {
        Token t = tokens.get(index);
        if (t.kind() != Kind.EOF) {
            index++;
        }
        return t;
    }
}
