package io.sluice.format.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.sluice.format.protobuf.ParsedFile.TypeRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the type names of a {@link ParsedFile} the way protoc does: a relative name is looked up from the
 * innermost scope outwards, among the file's own symbols and those of its imports (and their public imports).
 */
final class TypeResolver {
    private enum Kind { PACKAGE, MESSAGE, ENUM, FIELD, ONEOF, ENUM_VALUE, SERVICE, METHOD }

    private final Map<String, Kind> symbols = new HashMap<>();

    private TypeResolver() {
    }

    /** Completes and returns the file's descriptor proto; {@code dependencies} are its imports, in order. */
    static FileDescriptorProto resolve(ParsedFile file, List<FileDescriptor> dependencies)
            throws ProtoSchemaException {
        TypeResolver r = new TypeResolver();
        r.addFile(file.proto().buildPartial());
        for (FileDescriptor visible : visible(dependencies)) {
            r.addFile(visible.toProto());
        }
        String pkg = file.proto().getPackage();
        for (TypeRef ref : file.typeRefs()) {
            r.resolve(file.name(), pkg, ref);
        }
        return file.proto().build();
    }

    /** Direct imports plus whatever they import publicly, transitively. */
    private static Set<FileDescriptor> visible(List<FileDescriptor> dependencies) {
        Set<FileDescriptor> out = new LinkedHashSet<>();
        Deque<FileDescriptor> todo = new ArrayDeque<>(dependencies);
        while (!todo.isEmpty()) {
            FileDescriptor f = todo.pop();
            if (out.add(f)) {
                todo.addAll(f.getPublicDependencies());
            }
        }
        return out;
    }

    private void resolve(String fileName, String pkg, TypeRef ref) throws ProtoSchemaException {
        if (ref.use() == ParsedFile.Use.MAP_ENTRY) {
            ref.field().setTypeName("." + ProtoParser.join(pkg, ref.localScope()));
            return;
        }
        String relativeTo = ProtoParser.join(pkg, ref.localScope());
        List<String> tried = new ArrayList<>();
        String[] missingCompound = new String[1];
        String found = lookup(ref.written(), relativeTo, tried, missingCompound);
        if (found == null) {
            String scope = relativeTo.contains(".") ? relativeTo.substring(0, relativeTo.lastIndexOf('.')) : "";
            String what;
            if (missingCompound[0] != null) {
                what = "type \"" + ref.written() + "\" resolves to \"" + missingCompound[0]
                        + "\", which is not defined (the innermost scope is searched first; write \"."
                        + ref.written() + "\" to start from the outermost scope)";
            } else {
                what = "unknown type \"" + ref.written() + "\" in scope "
                        + (scope.isEmpty() ? "(root)" : scope) + " (looked for " + String.join(", ", tried) + ")";
            }
            throw ProtoSchemaException.at(fileName, ref.line(), ref.column(), what);
        }
        Kind kind = symbols.get(found);
        boolean messageOnly = ref.use() != ParsedFile.Use.FIELD_TYPE;
        if (kind != Kind.MESSAGE && (messageOnly || kind != Kind.ENUM)) {
            throw ProtoSchemaException.at(fileName, ref.line(), ref.column(), "\"" + ref.written() + "\" ("
                    + found + ") is not a message" + (messageOnly ? "" : " or enum") + " type");
        }
        String typeName = "." + found;
        switch (ref.use()) {
            case FIELD_TYPE -> {
                FieldDescriptorProto.Builder field = ref.field();
                field.setTypeName(typeName);
                field.setType(kind == Kind.MESSAGE ? FieldDescriptorProto.Type.TYPE_MESSAGE
                        : FieldDescriptorProto.Type.TYPE_ENUM);
                if (kind == Kind.MESSAGE && field.hasDefaultValue()) {
                    throw ProtoSchemaException.at(fileName, ref.line(), ref.column(),
                            "message field \"" + field.getName() + "\" cannot have a default value");
                }
            }
            case EXTENDEE -> ref.field().setExtendee(typeName);
            case INPUT_TYPE -> ref.method().setInputType(typeName);
            case OUTPUT_TYPE -> ref.method().setOutputType(typeName);
            default -> throw new IllegalStateException("unhandled " + ref.use());
        }
    }

    /**
     * protoc's scope search: take the first component of {@code name}, look for it in each enclosing scope of
     * {@code relativeTo} from the innermost out; the first hit that can hold the rest of the name decides.
     */
    private String lookup(String name, String relativeTo, List<String> tried, String[] missingCompound) {
        if (name.startsWith(".")) {
            String full = name.substring(1);
            tried.add(full);
            return symbols.containsKey(full) ? full : null;
        }
        int firstDot = name.indexOf('.');
        String first = firstDot < 0 ? name : name.substring(0, firstDot);
        String scope = relativeTo;
        while (true) {
            int dot = scope.lastIndexOf('.');
            if (dot < 0) {
                tried.add(name);
                return symbols.containsKey(name) ? name : null;
            }
            scope = scope.substring(0, dot);
            tried.add(scope + "." + name);
            Kind kind = symbols.get(scope + "." + first);
            if (kind == null) {
                continue;
            }
            if (firstDot >= 0) {
                if (kind == Kind.MESSAGE || kind == Kind.ENUM || kind == Kind.PACKAGE || kind == Kind.SERVICE) {
                    String full = scope + "." + name;
                    if (symbols.containsKey(full)) {
                        return full;
                    }
                    missingCompound[0] = full;
                    return null;
                }
            } else if (kind == Kind.MESSAGE || kind == Kind.ENUM) {
                return scope + "." + first;
            }
        }
    }

    private void addFile(FileDescriptorProto file) {
        String pkg = file.getPackage();
        if (!pkg.isEmpty()) {
            for (int i = pkg.indexOf('.'); i >= 0; i = pkg.indexOf('.', i + 1)) {
                symbols.putIfAbsent(pkg.substring(0, i), Kind.PACKAGE);
            }
            symbols.putIfAbsent(pkg, Kind.PACKAGE);
        }
        for (DescriptorProto m : file.getMessageTypeList()) {
            addMessage(pkg, m);
        }
        for (EnumDescriptorProto e : file.getEnumTypeList()) {
            addEnum(pkg, e);
        }
        for (FieldDescriptorProto f : file.getExtensionList()) {
            symbols.putIfAbsent(ProtoParser.join(pkg, f.getName()), Kind.FIELD);
        }
        for (ServiceDescriptorProto s : file.getServiceList()) {
            String name = ProtoParser.join(pkg, s.getName());
            symbols.putIfAbsent(name, Kind.SERVICE);
            s.getMethodList().forEach(m -> symbols.putIfAbsent(name + "." + m.getName(), Kind.METHOD));
        }
    }

    private void addMessage(String scope, DescriptorProto m) {
        String name = ProtoParser.join(scope, m.getName());
        symbols.putIfAbsent(name, Kind.MESSAGE);
        m.getFieldList().forEach(f -> symbols.putIfAbsent(name + "." + f.getName(), Kind.FIELD));
        m.getExtensionList().forEach(f -> symbols.putIfAbsent(name + "." + f.getName(), Kind.FIELD));
        m.getOneofDeclList().forEach(o -> symbols.putIfAbsent(name + "." + o.getName(), Kind.ONEOF));
        m.getNestedTypeList().forEach(n -> addMessage(name, n));
        m.getEnumTypeList().forEach(e -> addEnum(name, e));
    }

    private void addEnum(String scope, EnumDescriptorProto e) {
        symbols.putIfAbsent(ProtoParser.join(scope, e.getName()), Kind.ENUM);
        // Enum values are siblings of their enum, as in C++.
        e.getValueList().forEach(v -> symbols.putIfAbsent(ProtoParser.join(scope, v.getName()), Kind.ENUM_VALUE));
    }
}
