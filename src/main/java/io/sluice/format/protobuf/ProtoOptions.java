package io.sluice.format.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.sluice.format.protobuf.ProtoLexer.Kind;
import io.sluice.format.protobuf.ProtoLexer.Token;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Option values and their conversion to the fields of protobuf's own {@code *Options} messages. */
final class ProtoOptions {
    private ProtoOptions() {
    }

    /**
     * A constant after {@code =}: {@code token} is the value (sign excluded), or null for an aggregate
     * {@code { ... }}, whose text-format body is then {@code aggregate}.
     */
    record Constant(Token token, boolean negative, Token start, String aggregate) {
        boolean isAggregate() {
            return token == null;
        }
    }

    static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    static final BigInteger UINT32_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static BigInteger integer(Token t) {
        String s = t.text();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            return new BigInteger(s.substring(2), 16);
        }
        if (s.length() > 1 && s.startsWith("0")) {
            return new BigInteger(s.substring(1), 8);
        }
        return new BigInteger(s);
    }

    /**
     * Sets the built-in option {@code name} on the {@code type} builder that {@code options} supplies (only
     * asked for when something is set, as protoc leaves out empty options); {@code where} is e.g. "field".
     * Like protoc without {@code --retain_options}, options with source retention are checked but dropped.
     */
    static void apply(Supplier<? extends Message.Builder> options, Descriptor type, String name, Token nameToken,
                      Constant value, String where, TokenStream p) throws ProtoSchemaException {
        FieldDescriptor fd = type.findFieldByName(name);
        if (fd == null || fd.getName().equals("features") || fd.getName().equals("uninterpreted_option")) {
            throw p.error(nameToken, "unknown " + where + " option \"" + name + "\""
                    + (fd == null ? "" : " (not supported outside editions)"));
        }
        if (fd.getName().equals("map_entry")) {
            throw p.error(nameToken, "option map_entry must not be set explicitly; use map<K, V> fields");
        }
        if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            if (!value.isAggregate()) {
                throw p.error(value.start(), "option \"" + name + "\" needs a message value { ... }");
            }
            Message.Builder sub = DynamicMessage.newBuilder(fd.getMessageType());
            try {
                TextFormat.merge(value.aggregate(), sub);
            } catch (TextFormat.ParseException e) {
                throw p.error(value.start(), "invalid value for option \"" + name + "\": " + e.getMessage());
            }
            set(options, fd, sub.build(), nameToken, p);
            return;
        }
        if (value.isAggregate()) {
            throw p.error(value.start(), "option \"" + name + "\" takes a single value, not { ... }");
        }
        set(options, fd, convert(fd, value, "option \"" + name + "\"", p), nameToken, p);
    }

    private static void set(Supplier<? extends Message.Builder> options, FieldDescriptor fd, Object value,
                            Token nameToken, TokenStream p) throws ProtoSchemaException {
        if (fd.getOptions().getRetention() == DescriptorProtos.FieldOptions.OptionRetention.RETENTION_SOURCE) {
            return;
        }
        Message.Builder builder = options.get();
        if (value instanceof Message m) {
            value = builder.newBuilderForField(fd).mergeFrom(m).build();
        }
        if (fd.isRepeated()) {
            builder.addRepeatedField(fd, value);
        } else if (builder.hasField(fd)) {
            throw p.error(nameToken, "option \"" + fd.getName() + "\" is set twice");
        } else {
            builder.setField(fd, value);
        }
    }

    private static Object convert(FieldDescriptor fd, Constant c, String what, TokenStream p)
            throws ProtoSchemaException {
        Token t = c.token();
        switch (fd.getJavaType()) {
            case BOOLEAN -> {
                if (!c.negative() && t.kind() == Kind.IDENT && (t.text().equals("true") || t.text().equals("false"))) {
                    return t.text().equals("true");
                }
                throw p.error(c.start(), what + " expects true or false, found " + t.describe());
            }
            case STRING -> {
                requireString(c, what, p);
                return new String(t.bytes(), StandardCharsets.UTF_8);
            }
            case BYTE_STRING -> {
                requireString(c, what, p);
                return ByteString.copyFrom(t.bytes());
            }
            case ENUM -> {
                EnumValueDescriptor v = t.kind() == Kind.IDENT && !c.negative()
                        ? fd.getEnumType().findValueByName(t.text()) : null;
                if (v == null) {
                    throw p.error(c.start(), what + " expects one of " + fd.getEnumType().getValues().stream()
                            .map(EnumValueDescriptor::getName).toList() + ", found " + t.describe());
                }
                return v;
            }
            case INT, LONG -> {
                boolean unsigned = switch (fd.getType()) {
                    case UINT32, FIXED32, UINT64, FIXED64 -> true;
                    default -> false;
                };
                boolean is64 = fd.getJavaType() == FieldDescriptor.JavaType.LONG;
                BigInteger v = integerInRange(c, unsigned, is64, what, p);
                return is64 ? (Object) v.longValue() : (Object) v.intValue();
            }
            case FLOAT -> {
                return (float) floating(c, what, p);
            }
            case DOUBLE -> {
                return floating(c, what, p);
            }
            default -> throw p.error(c.start(), what + " has an unsupported type");
        }
    }

    private static void requireString(Constant c, String what, TokenStream p) throws ProtoSchemaException {
        if (c.negative() || c.token().kind() != Kind.STRING) {
            throw p.error(c.start(), what + " expects a string, found " + c.token().describe());
        }
    }

    static BigInteger integerInRange(Constant c, boolean unsigned, boolean is64, String what, TokenStream p)
            throws ProtoSchemaException {
        if (c.token().kind() != Kind.INT) {
            throw p.error(c.start(), what + " expects an integer, found " + c.token().describe());
        }
        BigInteger v = integer(c.token());
        if (c.negative()) {
            v = v.negate();
        }
        BigInteger min = unsigned ? BigInteger.ZERO : is64 ? INT64_MIN : INT32_MIN;
        BigInteger max = unsigned ? (is64 ? UINT64_MAX : UINT32_MAX) : is64 ? INT64_MAX : INT32_MAX;
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw p.error(c.start(), what + " value " + v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    static double floating(Constant c, String what, TokenStream p) throws ProtoSchemaException {
        Token t = c.token();
        double v;
        if (t.kind() == Kind.INT) {
            v = integer(t).doubleValue();
        } else if (t.kind() == Kind.FLOAT) {
            v = Double.parseDouble(t.text());
        } else if (t.kind() == Kind.IDENT && (t.text().equals("inf") || t.text().equals("nan"))) {
            v = t.text().equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            throw p.error(c.start(), what + " expects a number, found " + t.describe());
        }
        return c.negative() ? -v : v;
    }
}
