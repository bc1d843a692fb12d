package io.sluice.format.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumOptions;
import com.google.protobuf.DescriptorProtos.EnumValueOptions;
import com.google.protobuf.DescriptorProtos.ExtensionRangeOptions;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.DescriptorProtos.OneofOptions;
import com.google.protobuf.DescriptorProtos.ServiceOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.sluice.format.protobuf.ParsedFile.Import;
import io.sluice.format.protobuf.ParsedFile.TypeRef;
import io.sluice.format.protobuf.ParsedFile.Use;
import io.sluice.format.protobuf.ProtoLexer.Kind;
import io.sluice.format.protobuf.ProtoLexer.Token;
import io.sluice.format.protobuf.ProtoOptions.Constant;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Parses the text of one proto2 or proto3 file into a {@link ParsedFile}: a {@code FileDescriptorProto} shaped
 * exactly like protoc's, except that type references are resolved later by {@link TypeResolver}.
 */
final class ProtoParser {
    static final int MAX_FIELD_NUMBER = 536_870_911;

    private static final Map<String, Type> SCALARS = Map.ofEntries(
            Map.entry("double", Type.TYPE_DOUBLE), Map.entry("float", Type.TYPE_FLOAT),
            Map.entry("int32", Type.TYPE_INT32), Map.entry("int64", Type.TYPE_INT64),
            Map.entry("uint32", Type.TYPE_UINT32), Map.entry("uint64", Type.TYPE_UINT64),
            Map.entry("sint32", Type.TYPE_SINT32), Map.entry("sint64", Type.TYPE_SINT64),
            Map.entry("fixed32", Type.TYPE_FIXED32), Map.entry("fixed64", Type.TYPE_FIXED64),
            Map.entry("sfixed32", Type.TYPE_SFIXED32), Map.entry("sfixed64", Type.TYPE_SFIXED64),
            Map.entry("bool", Type.TYPE_BOOL), Map.entry("string", Type.TYPE_STRING),
            Map.entry("bytes", Type.TYPE_BYTES));

    private static final String TOP_LEVEL =
            "expected a top-level statement (message, enum, service, extend, import, package, option), found ";

    private final String file;
    private final TokenStream in;
    private boolean proto3;
    private final FileDescriptorProto.Builder proto = FileDescriptorProto.newBuilder();
    private final List<Import> imports = new ArrayList<>();
    private final List<TypeRef> typeRefs = new ArrayList<>();

    private ProtoParser(String file, TokenStream in) {
        this.file = file;
        this.in = in;
    }

    /** Parses {@code text}; {@code fileName} is the import name and is used in error messages. */
    static ParsedFile parse(String fileName, String text) throws ProtoSchemaException {
        ProtoParser p = new ProtoParser(fileName, new TokenStream(fileName, text, ProtoLexer.tokenize(fileName, text)));
        p.parseFile();
        return new ParsedFile(fileName, p.proto, List.copyOf(p.imports), List.copyOf(p.typeRefs));
    }

    // ---- file level ----

    private void parseFile() throws ProtoSchemaException {
        proto.setName(file);
        if (in.peek().is("syntax")) {
            in.next();
            in.expect("=", "after 'syntax'");
            Token value = in.next();
            if (value.kind() != Kind.STRING) {
                throw in.error(value, "expected \"proto2\" or \"proto3\" after 'syntax =', found " + value.describe());
            }
            String syntax = in.concatenated(value);
            if (syntax.equals("proto3")) {
                proto3 = true;
                proto.setSyntax("proto3");
            } else if (!syntax.equals("proto2")) {
                throw in.error(value, "unknown syntax \"" + syntax + "\"; expected \"proto2\" or \"proto3\"");
            }
            in.expect(";", "after syntax statement");
        } else if (in.peek().is("edition")) {
            throw in.error(in.peek(), "editions are not supported; use syntax = \"proto2\" or \"proto3\"");
        }
        boolean sawPackage = false;
        while (in.peek().kind() != Kind.EOF) {
            Token t = in.peek();
            if (in.tryConsume(";")) {
                continue;
            }
            if (t.kind() != Kind.IDENT) {
                throw in.error(t, TOP_LEVEL + t.describe());
            }
            switch (t.text()) {
                case "import" -> parseImport();
                case "package" -> {
                    in.next();
                    if (sawPackage) {
                        throw in.error(t, "multiple package statements");
                    }
                    sawPackage = true;
                    proto.setPackage(in.fullIdent("package name"));
                    in.expect(";", "after package name");
                }
                case "option" -> parseOptionStatement(proto::getOptionsBuilder, FileOptions.getDescriptor(), "file");
                case "message" -> {
                    in.next();
                    parseMessage(proto.addMessageTypeBuilder(), "");
                }
                case "enum" -> {
                    in.next();
                    parseEnum(proto.addEnumTypeBuilder(), "");
                }
                case "service" -> parseService();
                case "extend" -> parseExtend("", proto::addExtensionBuilder);
                case "syntax", "edition" -> throw in.error(t, "'" + t.text() + "' must be the first statement");
                default -> throw in.error(t, TOP_LEVEL + t.describe());
            }
        }
    }

    private void parseImport() throws ProtoSchemaException {
        in.next();
        boolean isPublic = false;
        boolean isWeak = false;
        if (in.peek().is("public")) {
            in.next();
            isPublic = true;
        } else if (in.peek().is("weak")) {
            in.next();
            isWeak = true;
        }
        Token t = in.next();
        if (t.kind() != Kind.STRING) {
            throw in.error(t, "expected a file name string after 'import', found " + t.describe());
        }
        String name = in.concatenated(t);
        for (String existing : proto.getDependencyList()) {
            if (existing.equals(name)) {
                throw in.error(t, "\"" + name + "\" is imported twice");
            }
        }
        if (isPublic) {
            proto.addPublicDependency(proto.getDependencyCount());
        }
        if (isWeak) {
            proto.addWeakDependency(proto.getDependencyCount());
        }
        proto.addDependency(name);
        imports.add(new Import(name, t.line(), t.column()));
        in.expect(";", "after import");
    }

    // ---- messages ----

    /** What a message body needs to check when it ends: every field's number and name, and where it was. */
    private record FieldSeen(String name, int number, Token at) {
    }

    private void parseMessage(DescriptorProto.Builder msg, String scope) throws ProtoSchemaException {
        String name = in.ident("message name");
        msg.setName(name);
        String fullName = join(scope, name);
        in.expect("{", "after message name");
        List<FieldSeen> seen = new ArrayList<>();
        while (!in.tryConsume("}")) {
            Token t = in.peek();
            if (t.kind() == Kind.EOF) {
                throw in.error(t, "expected '}' to close message " + fullName + ", found end of file");
            }
            if (in.tryConsume(";")) {
                continue;
            }
            if (t.is("message")) {
                in.next();
                parseMessage(msg.addNestedTypeBuilder(), fullName);
            } else if (t.is("enum")) {
                in.next();
                parseEnum(msg.addEnumTypeBuilder(), fullName);
            } else if (t.is("option")) {
                parseOptionStatement(msg::getOptionsBuilder, MessageOptions.getDescriptor(), "message");
            } else if (t.is("oneof")) {
                parseOneof(msg, fullName, seen);
            } else if (t.is("reserved")) {
                parseMessageReserved(msg);
            } else if (t.is("extensions")) {
                parseExtensions(msg);
            } else if (t.is("extend")) {
                parseExtend(fullName, msg::addExtensionBuilder);
            } else {
                parseField(msg, fullName, -1, seen);
            }
        }
        checkMessage(msg, fullName, seen);
        if (proto3) {
            addSyntheticOneofs(msg);
        }
    }

    /** Parses a field or a map field; {@code oneof} is the index of the enclosing oneof or -1. */
    private void parseField(DescriptorProto.Builder msg, String scope, int oneof, List<FieldSeen> seen)
            throws ProtoSchemaException {
        Token start = in.peek();
        Label label = null;
        if (start.is("optional") || start.is("required") || start.is("repeated")) {
            if (oneof >= 0) {
                throw in.error(start, "fields in a oneof must not have a label ('" + start.text() + "')");
            }
            in.next();
            label = switch (start.text()) {
                case "optional" -> Label.LABEL_OPTIONAL;
                case "required" -> Label.LABEL_REQUIRED;
                default -> Label.LABEL_REPEATED;
            };
            if (proto3 && label == Label.LABEL_REQUIRED) {
                throw in.error(start, "required fields are not allowed in proto3");
            }
        }
        Token typeToken = in.peek();
        if (typeToken.is("map") && in.peek(1).is("<")) {
            if (label != null) {
                throw in.error(start, "map fields must not have a label ('" + start.text() + "')");
            }
            if (oneof >= 0) {
                throw in.error(typeToken, "map fields are not allowed in a oneof");
            }
            parseMapField(msg, scope, seen);
            return;
        }
        if (label == null && !proto3 && oneof < 0) {
            throw in.error(start, "expected 'optional', 'required' or 'repeated' (proto2 fields need a label), found "
                    + start.describe());
        }
        if (typeToken.is("group") && in.peek(1).kind() == Kind.IDENT) {
            throw in.error(typeToken, "groups are not supported (group " + in.peek(1).text()
                    + "); use a nested message instead");
        }
        fillField(msg.addFieldBuilder(), scope, label, oneof, seen);
    }

    private void fillField(FieldDescriptorProto.Builder field, String scope, Label label, int oneof,
                           List<FieldSeen> seen) throws ProtoSchemaException {
        Token typeToken = in.peek();
        Type scalar = typeToken.kind() == Kind.IDENT ? SCALARS.get(typeToken.text()) : null;
        String typeName = null;
        if (scalar != null) {
            in.next();
        } else {
            typeName = in.typeName("field type");
        }
        Token nameToken = in.peek();
        String name = in.ident("field name");
        field.setName(name).setJsonName(ProtocText.jsonName(name))
                .setLabel(label == null ? Label.LABEL_OPTIONAL : label);
        if (scalar != null) {
            field.setType(scalar);
        } else {
            typeRefs.add(new TypeRef(Use.FIELD_TYPE, typeName, join(scope, name), typeToken.line(),
                    typeToken.column(), field, null));
            field.setTypeName(typeName);
        }
        if (proto3 && label == Label.LABEL_OPTIONAL) {
            field.setProto3Optional(true);
        }
        if (oneof >= 0) {
            field.setOneofIndex(oneof);
        }
        in.expect("=", "after field name");
        int number = fieldNumber();
        field.setNumber(number);
        seen.add(new FieldSeen(name, number, nameToken));
        if (in.peek().is("[")) {
            parseFieldOptions(field, scalar, label == Label.LABEL_REPEATED);
        }
        in.expect(";", in.peek(-1).is("]") ? "after field options" : "after field number");
    }

    private void parseMapField(DescriptorProto.Builder msg, String scope, List<FieldSeen> seen)
            throws ProtoSchemaException {
        in.next();
        in.expect("<", "after 'map'");
        Token keyToken = in.next();
        Type keyType = keyToken.kind() == Kind.IDENT ? SCALARS.get(keyToken.text()) : null;
        if (keyType == null || keyType == Type.TYPE_FLOAT || keyType == Type.TYPE_DOUBLE
                || keyType == Type.TYPE_BYTES) {
            throw in.error(keyToken, "map key type must be an integer type, bool or string, found "
                    + keyToken.describe());
        }
        in.expect(",", "after map key type");
        Token valueToken = in.peek();
        Type valueScalar = valueToken.kind() == Kind.IDENT ? SCALARS.get(valueToken.text()) : null;
        String valueTypeName = null;
        if (valueScalar != null) {
            in.next();
        } else {
            valueTypeName = in.typeName("map value type");
        }
        in.expect(">", "after map value type");
        Token nameToken = in.peek();
        String name = in.ident("field name");
        String entryName = ProtocText.mapEntryName(name);

        FieldDescriptorProto.Builder field = msg.addFieldBuilder().setName(name).setLabel(Label.LABEL_REPEATED)
                .setType(Type.TYPE_MESSAGE).setTypeName(entryName).setJsonName(ProtocText.jsonName(name));
        typeRefs.add(new TypeRef(Use.MAP_ENTRY, entryName, join(scope, entryName), nameToken.line(),
                nameToken.column(), field, null));

        DescriptorProto.Builder entry = msg.addNestedTypeBuilder().setName(entryName);
        entry.getOptionsBuilder().setMapEntry(true);
        entry.addFieldBuilder().setName("key").setNumber(1).setLabel(Label.LABEL_OPTIONAL).setType(keyType)
                .setJsonName("key");
        FieldDescriptorProto.Builder value = entry.addFieldBuilder().setName("value").setNumber(2)
                .setLabel(Label.LABEL_OPTIONAL).setJsonName("value");
        if (valueScalar != null) {
            value.setType(valueScalar);
        } else {
            value.setTypeName(valueTypeName);
            typeRefs.add(new TypeRef(Use.FIELD_TYPE, valueTypeName, join(join(scope, entryName), "value"),
                    valueToken.line(), valueToken.column(), value, null));
        }

        in.expect("=", "after field name");
        int number = fieldNumber();
        field.setNumber(number);
        seen.add(new FieldSeen(name, number, nameToken));
        if (in.peek().is("[")) {
            parseFieldOptions(field, Type.TYPE_MESSAGE, true);
        }
        in.expect(";", in.peek(-1).is("]") ? "after field options" : "after field number");
    }

    private int fieldNumber() throws ProtoSchemaException {
        Token t = in.next();
        if (t.kind() != Kind.INT) {
            throw in.error(t, "expected field number after '=', found " + t.describe());
        }
        BigInteger n = ProtoOptions.integer(t);
        if (n.signum() <= 0 || n.compareTo(BigInteger.valueOf(MAX_FIELD_NUMBER)) > 0) {
            throw in.error(t, "field number " + n + " is out of range; field numbers go from 1 to " + MAX_FIELD_NUMBER);
        }
        int number = n.intValue();
        if (number >= 19_000 && number <= 19_999) {
            throw in.error(t, "field number " + number + " is reserved for the Protobuf implementation (19000 to 19999)");
        }
        return number;
    }

    /** {@code scalar} is null for message and enum fields, whose defaults are checked once the type is known. */
    private void parseFieldOptions(FieldDescriptorProto.Builder field, Type scalar, boolean repeated)
            throws ProtoSchemaException {
        in.expect("[", "before field options");
        do {
            Token nameStart = in.peek();
            String name = in.optionName();
            in.expect("=", "after option name");
            Constant value = in.constant();
            if (name == null) {
                continue;
            }
            if (name.equals("default")) {
                if (proto3) {
                    throw in.error(nameStart, "default values are not allowed in proto3");
                }
                if (repeated) {
                    throw in.error(nameStart, "repeated fields cannot have default values");
                }
                if (field.hasDefaultValue()) {
                    throw in.error(nameStart, "option \"default\" is set twice");
                }
                field.setDefaultValue(defaultValue(scalar, value));
            } else if (name.equals("json_name")) {
                if (value.isAggregate() || value.negative() || value.token().kind() != Kind.STRING) {
                    throw in.error(value.start(), "option \"json_name\" expects a string");
                }
                field.setJsonName(new String(value.token().bytes(), StandardCharsets.UTF_8));
            } else {
                ProtoOptions.apply(field::getOptionsBuilder, FieldOptions.getDescriptor(), name, nameStart, value,
                        "field", in);
            }
        } while (in.tryConsume(","));
        in.expect("]", "after field option");
    }

    /** The default value spelled the way protoc writes it into the descriptor. */
    private String defaultValue(Type type, Constant c) throws ProtoSchemaException {
        if (c.isAggregate()) {
            throw in.error(c.start(), "a default value cannot be a { ... } message");
        }
        Token t = c.token();
        String what = "default value";
        if (type == null) {
            if (t.kind() != Kind.IDENT || c.negative()) {
                throw in.error(c.start(), "expected an enum value name as default, found " + t.describe());
            }
            return t.text();
        }
        return switch (type) {
            case TYPE_INT32, TYPE_SINT32, TYPE_SFIXED32 -> ProtoOptions.integerInRange(c, false, false, what, in)
                    .toString();
            case TYPE_INT64, TYPE_SINT64, TYPE_SFIXED64 -> ProtoOptions.integerInRange(c, false, true, what, in)
                    .toString();
            case TYPE_UINT32, TYPE_FIXED32 -> ProtoOptions.integerInRange(c, true, false, what, in).toString();
            case TYPE_UINT64, TYPE_FIXED64 -> ProtoOptions.integerInRange(c, true, true, what, in).toString();
            case TYPE_DOUBLE -> ProtocText.doubleText(ProtoOptions.floating(c, what, in));
            case TYPE_FLOAT -> ProtocText.floatText((float) ProtoOptions.floating(c, what, in));
            case TYPE_BOOL -> {
                if (!c.negative() && (t.is("true") || t.is("false"))) {
                    yield t.text();
                }
                throw in.error(c.start(), "expected true or false as default, found " + t.describe());
            }
            case TYPE_STRING, TYPE_BYTES -> {
                if (c.negative() || t.kind() != Kind.STRING) {
                    throw in.error(c.start(), "expected a string as default, found " + t.describe());
                }
                yield type == Type.TYPE_STRING ? new String(t.bytes(), StandardCharsets.UTF_8)
                        : ProtocText.cEscape(t.bytes());
            }
            default -> throw in.error(c.start(), "fields of type " + type + " cannot have default values");
        };
    }

    private void parseOneof(DescriptorProto.Builder msg, String scope, List<FieldSeen> seen)
            throws ProtoSchemaException {
        in.next();
        String name = in.ident("oneof name");
        int index = msg.getOneofDeclCount();
        OneofDescriptorProto.Builder oneof = msg.addOneofDeclBuilder().setName(name);
        Token open = in.peek();
        in.expect("{", "after oneof name");
        int fields = 0;
        while (!in.tryConsume("}")) {
            Token t = in.peek();
            if (t.kind() == Kind.EOF) {
                throw in.error(t, "expected '}' to close oneof " + name + ", found end of file");
            }
            if (in.tryConsume(";")) {
                continue;
            }
            if (t.is("option")) {
                parseOptionStatement(oneof::getOptionsBuilder, OneofOptions.getDescriptor(), "oneof");
            } else {
                parseField(msg, scope, index, seen);
                fields++;
            }
        }
        if (fields == 0) {
            throw in.error(open, "oneof " + name + " must have at least one field");
        }
    }

    private void parseMessageReserved(DescriptorProto.Builder msg) throws ProtoSchemaException {
        in.next();
        if (in.peek().kind() == Kind.STRING) {
            do {
                msg.addReservedName(reservedName());
            } while (in.tryConsume(","));
        } else {
            do {
                int[] range = range(1, MAX_FIELD_NUMBER, "reserved");
                msg.addReservedRangeBuilder().setStart(range[0]).setEnd(range[1] + 1);
            } while (in.tryConsume(","));
        }
        in.expect(";", "after reserved");
    }

    private String reservedName() throws ProtoSchemaException {
        Token t = in.next();
        if (t.kind() != Kind.STRING) {
            throw in.error(t, "expected a quoted field name after 'reserved', found " + t.describe());
        }
        return in.concatenated(t);
    }

    private void parseExtensions(DescriptorProto.Builder msg) throws ProtoSchemaException {
        Token start = in.next();
        if (proto3) {
            throw in.error(start, "extension ranges are not allowed in proto3");
        }
        int first = msg.getExtensionRangeCount();
        do {
            int[] range = range(1, MAX_FIELD_NUMBER, "extensions");
            msg.addExtensionRangeBuilder().setStart(range[0]).setEnd(range[1] + 1);
        } while (in.tryConsume(","));
        if (in.peek().is("[")) {
            in.next();
            do {
                Token nameStart = in.peek();
                String name = in.optionName();
                in.expect("=", "after option name");
                Constant value = in.constant();
                if (name != null) {
                    for (int i = first; i < msg.getExtensionRangeCount(); i++) {
                        DescriptorProto.ExtensionRange.Builder range = msg.getExtensionRangeBuilder(i);
                        ProtoOptions.apply(range::getOptionsBuilder, ExtensionRangeOptions.getDescriptor(), name,
                                nameStart, value, "extension range", in);
                    }
                }
            } while (in.tryConsume(","));
            in.expect("]", "after extension range option");
        }
        in.expect(";", "after extensions");
    }

    /** {@code a}, {@code a to b} or {@code a to max}, both ends inclusive. */
    private int[] range(long min, long max, String what) throws ProtoSchemaException {
        int start = rangeBound(min, max, what, null);
        int end = start;
        if (in.tryConsume("to")) {
            end = rangeBound(min, max, what, in.peek().is("max") ? (int) max : null);
            if (end < start) {
                throw in.error(in.peek(-1), what + " range end " + end + " is before its start " + start);
            }
        }
        return new int[] {start, end};
    }

    private int rangeBound(long min, long max, String what, Integer maxKeyword) throws ProtoSchemaException {
        if (maxKeyword != null) {
            in.next();
            return maxKeyword;
        }
        Token first = in.peek();
        boolean negative = in.tryConsume("-");
        Token t = in.next();
        if (t.kind() != Kind.INT) {
            throw in.error(t, "expected a number after '" + what + "', found " + t.describe());
        }
        BigInteger v = ProtoOptions.integer(t);
        if (negative) {
            v = v.negate();
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw in.error(first, what + " number " + v + " is out of range [" + min + ", " + max + "]");
        }
        return v.intValue();
    }

    private void parseExtend(String scope, Supplier<FieldDescriptorProto.Builder> add) throws ProtoSchemaException {
        in.next();
        Token extendeeToken = in.peek();
        String extendee = in.typeName("message name after 'extend'");
        in.expect("{", "after extended message name");
        List<FieldSeen> seen = new ArrayList<>();
        while (!in.tryConsume("}")) {
            Token t = in.peek();
            if (t.kind() == Kind.EOF) {
                throw in.error(t, "expected '}' to close extend " + extendee + ", found end of file");
            }
            if (in.tryConsume(";")) {
                continue;
            }
            Label label = null;
            if (t.is("optional") || t.is("required") || t.is("repeated")) {
                in.next();
                label = t.is("optional") ? Label.LABEL_OPTIONAL
                        : t.is("required") ? Label.LABEL_REQUIRED : Label.LABEL_REPEATED;
                if (label == Label.LABEL_REQUIRED) {
                    throw in.error(t, "extensions cannot be required");
                }
            } else if (!proto3) {
                throw in.error(t, "expected 'optional' or 'repeated' (proto2 fields need a label), found "
                        + t.describe());
            }
            if (in.peek().is("map") && in.peek(1).is("<")) {
                throw in.error(in.peek(), "map fields cannot be extensions");
            }
            if (in.peek().is("group") && in.peek(1).kind() == Kind.IDENT) {
                throw in.error(in.peek(), "groups are not supported (group " + in.peek(1).text()
                        + "); use a nested message instead");
            }
            if (proto3 && label == Label.LABEL_OPTIONAL) {
                throw in.error(t, "proto3 extensions cannot be 'optional'");
            }
            FieldDescriptorProto.Builder field = add.get();
            fillField(field, scope, label, -1, seen);
            field.setExtendee(extendee);
            typeRefs.add(new TypeRef(Use.EXTENDEE, extendee, join(scope, field.getName()), extendeeToken.line(),
                    extendeeToken.column(), field, null));
        }
    }

    private void checkMessage(DescriptorProto.Builder msg, String fullName, List<FieldSeen> seen)
            throws ProtoSchemaException {
        Map<Integer, FieldSeen> byNumber = new HashMap<>();
        Map<String, FieldSeen> byName = new HashMap<>();
        Set<String> reservedNames = new HashSet<>(msg.getReservedNameList());
        for (FieldSeen f : seen) {
            FieldSeen other = byNumber.putIfAbsent(f.number(), f);
            if (other != null) {
                throw in.error(f.at(), "field number " + f.number() + " of message " + fullName
                        + " is already used by field \"" + other.name() + "\"");
            }
            other = byName.putIfAbsent(f.name(), f);
            if (other != null) {
                throw in.error(f.at(), "field \"" + f.name() + "\" is already defined in message " + fullName);
            }
            if (reservedNames.contains(f.name())) {
                throw in.error(f.at(), "field name \"" + f.name() + "\" is reserved in message " + fullName);
            }
            for (DescriptorProto.ReservedRange r : msg.getReservedRangeList()) {
                if (f.number() >= r.getStart() && f.number() < r.getEnd()) {
                    throw in.error(f.at(), "field \"" + f.name() + "\" uses number " + f.number()
                            + ", which is reserved in message " + fullName);
                }
            }
            for (DescriptorProto.ExtensionRange r : msg.getExtensionRangeList()) {
                if (f.number() >= r.getStart() && f.number() < r.getEnd()) {
                    throw in.error(f.at(), "field \"" + f.name() + "\" uses number " + f.number()
                            + ", which is in an extension range of message " + fullName);
                }
            }
        }
    }

    /** protoc gives each proto3 {@code optional} field a oneof of its own, named {@code _field}, after all others. */
    private static void addSyntheticOneofs(DescriptorProto.Builder msg) {
        Set<String> names = new HashSet<>();
        msg.getFieldList().forEach(f -> names.add(f.getName()));
        msg.getOneofDeclList().forEach(o -> names.add(o.getName()));
        for (FieldDescriptorProto.Builder field : msg.getFieldBuilderList()) {
            if (!field.getProto3Optional()) {
                continue;
            }
            String name = field.getName().startsWith("_") ? field.getName() : "_" + field.getName();
            while (names.contains(name)) {
                name = "X" + name;
            }
            names.add(name);
            field.setOneofIndex(msg.getOneofDeclCount());
            msg.addOneofDeclBuilder().setName(name);
        }
    }

    // ---- enums ----

    private void parseEnum(EnumDescriptorProto.Builder e, String scope) throws ProtoSchemaException {
        Token nameToken = in.peek();
        String name = in.ident("enum name");
        e.setName(name);
        String fullName = join(scope, name);
        in.expect("{", "after enum name");
        Map<Integer, String> numbers = new HashMap<>();
        List<Token> duplicates = new ArrayList<>();
        Set<String> valueNames = new HashSet<>();
        while (!in.tryConsume("}")) {
            Token t = in.peek();
            if (t.kind() == Kind.EOF) {
                throw in.error(t, "expected '}' to close enum " + fullName + ", found end of file");
            }
            if (in.tryConsume(";")) {
                continue;
            }
            if (t.is("option")) {
                parseOptionStatement(e::getOptionsBuilder, EnumOptions.getDescriptor(), "enum");
            } else if (t.is("reserved")) {
                in.next();
                if (in.peek().kind() == Kind.STRING) {
                    do {
                        e.addReservedName(reservedName());
                    } while (in.tryConsume(","));
                } else {
                    do {
                        int[] r = range(Integer.MIN_VALUE, Integer.MAX_VALUE, "reserved");
                        e.addReservedRangeBuilder().setStart(r[0]).setEnd(r[1]);
                    } while (in.tryConsume(","));
                }
                in.expect(";", "after reserved");
            } else {
                String valueName = in.ident("enum value name");
                if (!valueNames.add(valueName)) {
                    throw in.error(t, "enum value \"" + valueName + "\" is already defined in enum " + fullName);
                }
                in.expect("=", "after enum value name");
                Token numberToken = in.peek();
                int number = rangeBound(Integer.MIN_VALUE, Integer.MAX_VALUE, "enum value", null);
                EnumValueDescriptorProto.Builder value = e.addValueBuilder().setName(valueName).setNumber(number);
                if (proto3 && e.getValueCount() == 1 && number != 0) {
                    throw in.error(numberToken, "the first value of proto3 enum " + fullName + " must be zero, found "
                            + number);
                }
                if (numbers.putIfAbsent(number, valueName) != null) {
                    duplicates.add(t);
                }
                if (in.tryConsume("[")) {
                    do {
                        Token optionStart = in.peek();
                        String option = in.optionName();
                        in.expect("=", "after option name");
                        Constant c = in.constant();
                        if (option != null) {
                            ProtoOptions.apply(value::getOptionsBuilder, EnumValueOptions.getDescriptor(), option,
                                    optionStart, c, "enum value", in);
                        }
                    } while (in.tryConsume(","));
                    in.expect("]", "after enum value option");
                }
                in.expect(";", "after enum value");
            }
        }
        if (e.getValueCount() == 0) {
            throw in.error(nameToken, "enum " + fullName + " must have at least one value");
        }
        if (!duplicates.isEmpty() && !e.getOptions().getAllowAlias()) {
            Token t = duplicates.get(0);
            int number = e.getValueList().stream().filter(v -> v.getName().equals(t.text())).findFirst()
                    .orElseThrow().getNumber();
            throw in.error(t, "enum value \"" + t.text() + "\" uses the same number " + number + " as \""
                    + numbers.get(number) + "\"; set 'option allow_alias = true;' in enum " + fullName
                    + " if this is intended");
        }
    }

    // ---- services ----

    private void parseService() throws ProtoSchemaException {
        in.next();
        ServiceDescriptorProto.Builder service = proto.addServiceBuilder();
        String name = in.ident("service name");
        service.setName(name);
        in.expect("{", "after service name");
        while (!in.tryConsume("}")) {
            Token t = in.peek();
            if (t.kind() == Kind.EOF) {
                throw in.error(t, "expected '}' to close service " + name + ", found end of file");
            }
            if (in.tryConsume(";")) {
                continue;
            }
            if (t.is("option")) {
                parseOptionStatement(service::getOptionsBuilder, ServiceOptions.getDescriptor(), "service");
            } else if (t.is("rpc")) {
                in.next();
                parseMethod(service.addMethodBuilder(), name);
            } else {
                throw in.error(t, "expected 'rpc' or 'option' in service " + name + ", found " + t.describe());
            }
        }
    }

    private void parseMethod(MethodDescriptorProto.Builder method, String service) throws ProtoSchemaException {
        String name = in.ident("method name");
        method.setName(name);
        in.expect("(", "after method name");
        if (in.peek().is("stream") && !in.peek(1).is(")")) {
            in.next();
            method.setClientStreaming(true);
        }
        Token request = in.peek();
        method.setInputType(in.typeName("request type"));
        typeRefs.add(new TypeRef(Use.INPUT_TYPE, method.getInputType(), join(service, name), request.line(),
                request.column(), null, method));
        in.expect(")", "after request type");
        Token returns = in.next();
        if (!returns.is("returns")) {
            throw in.error(returns, "expected 'returns' after request type, found " + returns.describe());
        }
        in.expect("(", "after 'returns'");
        if (in.peek().is("stream") && !in.peek(1).is(")")) {
            in.next();
            method.setServerStreaming(true);
        }
        Token out = in.peek();
        method.setOutputType(in.typeName("response type"));
        typeRefs.add(new TypeRef(Use.OUTPUT_TYPE, method.getOutputType(), join(service, name), out.line(),
                out.column(), null, method));
        in.expect(")", "after response type");
        if (in.tryConsume("{")) {
            while (!in.tryConsume("}")) {
                Token t = in.peek();
                if (in.tryConsume(";")) {
                    continue;
                }
                if (!t.is("option")) {
                    throw in.error(t, "expected 'option' or '}' in method " + name + ", found " + t.describe());
                }
                parseOptionStatement(method::getOptionsBuilder, MethodOptions.getDescriptor(), "method");
            }
        } else {
            in.expect(";", "after method definition");
        }
    }

    // ---- options and constants ----

    /** {@code option name = value;} setting a built-in option of {@code type} on the builder {@code options} gives. */
    private void parseOptionStatement(Supplier<? extends Message.Builder> options, Descriptor type, String where)
            throws ProtoSchemaException {
        in.next();
        Token nameStart = in.peek();
        String name = in.optionName();
        in.expect("=", "after option name");
        Constant value = in.constant();
        if (name != null) {
            ProtoOptions.apply(options, type, name, nameStart, value, where, in);
        }
        in.expect(";", "after option value");
    }

    static String join(String scope, String name) {
        return scope.isEmpty() ? name : scope + "." + name;
    }
}
