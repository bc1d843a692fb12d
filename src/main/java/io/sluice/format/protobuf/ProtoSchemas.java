package io.sluice.format.protobuf;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns Protobuf schemas into protobuf-java descriptors at runtime: .proto text (as a schema registry serves it,
 * with its references), a local .proto file, or a compiled {@code FileDescriptorSet}. Only proto2 and proto3 text
 * is accepted; editions and groups are rejected, custom options are parsed and dropped.
 */
public final class ProtoSchemas {
    /** Imports served by protobuf-java's compiled descriptors, never by an import resolver. */
    private static final Map<String, FileDescriptor> WELL_KNOWN = Stream.of(
                    TimestampProto.getDescriptor(), DurationProto.getDescriptor(), WrappersProto.getDescriptor(),
                    AnyProto.getDescriptor(), StructProto.getDescriptor(), EmptyProto.getDescriptor(),
                    FieldMaskProto.getDescriptor(), DescriptorProtos.getDescriptor(), ApiProto.getDescriptor(),
                    TypeProto.getDescriptor(), SourceContextProto.getDescriptor())
            .collect(Collectors.toUnmodifiableMap(FileDescriptor::getName, f -> f));

    private ProtoSchemas() {
    }

    /**
     * Parses {@code text}, named {@code fileName} in messages and descriptors, and the files it imports:
     * {@code imports} maps an import name such as {@code "common/money.proto"} to that file's text, or empty when
     * there is no such file; it is asked at most once per name and never for the well-known
     * {@code google/protobuf/*.proto} files.
     *
     * @throws ProtoSchemaException naming file, line and column for syntax errors, unknown types, missing
     *     imports and import cycles
     */
    public static FileDescriptor fromProtoText(String fileName, String text,
                                               Function<String, Optional<String>> imports)
            throws ProtoSchemaException {
        return new TextLoader(imports).load(fileName, text);
    }

    /** Reads the .proto file at {@code file}, resolving imports against the directory it is in. */
    public static FileDescriptor fromProtoFile(Path file) throws ProtoSchemaException {
        Path dir = file.toAbsolutePath().getParent();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProtoSchemaException(file + ": cannot read: " + e, e);
        }
        return fromProtoText(file.getFileName().toString(), text, importsFrom(dir));
    }

    /**
     * An import resolver reading {@code root/<import name>}; a missing file is empty, other read errors surface
     * as {@link ProtoSchemaException} from {@link #fromProtoText}.
     */
    public static Function<String, Optional<String>> importsFrom(Path root) {
        return name -> {
            Path path = root.resolve(name).normalize();
            if (!path.startsWith(root.normalize())) {
                return Optional.empty();
            }
            try {
                return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        };
    }

    /**
     * Builds every file of a serialized {@code FileDescriptorSet} (as {@code protoc --descriptor_set_out
     * --include_imports} writes), in the set's order. Well-known files come from protobuf-java.
     */
    public static List<FileDescriptor> fromDescriptorSet(byte[] bytes) throws ProtoSchemaException {
        FileDescriptorSet set;
        try {
            set = FileDescriptorSet.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtoSchemaException("descriptor set: not a serialized FileDescriptorSet: " + e.getMessage(), e);
        }
        Map<String, FileDescriptorProto> byName = new LinkedHashMap<>();
        for (FileDescriptorProto f : set.getFileList()) {
            if (byName.putIfAbsent(f.getName(), f) != null) {
                throw new ProtoSchemaException("descriptor set: file " + f.getName() + " appears twice");
            }
        }
        if (byName.isEmpty()) {
            throw new ProtoSchemaException("descriptor set: contains no files");
        }
        SetLoader loader = new SetLoader(byName);
        List<FileDescriptor> out = new ArrayList<>();
        for (String name : byName.keySet()) {
            out.add(loader.load(name, new LinkedHashSet<>()));
        }
        return out;
    }

    /**
     * Finds a message type by full name ({@code shop.Order}, {@code shop.Order.Line}; a leading dot is allowed)
     * among {@code files} and their imports, or by simple name ({@code Line}) among {@code files} when exactly one
     * message there has it.
     *
     * @throws ProtoSchemaException listing the available message names when there is no match, or the candidates
     *     when a simple name is ambiguous
     */
    public static Descriptor findMessage(Collection<FileDescriptor> files, String name) throws ProtoSchemaException {
        String wanted = name.startsWith(".") ? name.substring(1) : name;
        for (FileDescriptor f : withImports(files)) {
            for (Descriptor d : allMessages(f)) {
                if (d.getFullName().equals(wanted)) {
                    return d;
                }
            }
        }
        List<Descriptor> own = files.stream().flatMap(f -> allMessages(f).stream()).toList();
        List<Descriptor> bySimpleName = own.stream().filter(d -> d.getName().equals(wanted)).toList();
        if (bySimpleName.size() == 1) {
            return bySimpleName.get(0);
        }
        if (bySimpleName.size() > 1) {
            throw new ProtoSchemaException("message name \"" + name + "\" is ambiguous: " + bySimpleName.stream()
                    .map(Descriptor::getFullName).collect(Collectors.joining(", ")) + "; use the full name");
        }
        String available = own.stream().map(Descriptor::getFullName).sorted().collect(Collectors.joining(", "));
        throw new ProtoSchemaException("message \"" + name + "\" not found in "
                + files.stream().map(FileDescriptor::getName).collect(Collectors.joining(", "))
                + "; available messages: " + (available.isEmpty() ? "(none)" : available));
    }

    /** All message types of {@code file}, nested ones included, map entries excluded, in declaration order. */
    static List<Descriptor> allMessages(FileDescriptor file) {
        List<Descriptor> out = new ArrayList<>();
        Deque<Descriptor> todo = new ArrayDeque<>(file.getMessageTypes());
        while (!todo.isEmpty()) {
            Descriptor d = todo.removeFirst();
            if (d.getOptions().getMapEntry()) {
                continue;
            }
            out.add(d);
            List<Descriptor> nested = d.getNestedTypes();
            for (int i = nested.size() - 1; i >= 0; i--) {
                todo.addFirst(nested.get(i));
            }
        }
        return out;
    }

    private static Set<FileDescriptor> withImports(Collection<FileDescriptor> files) {
        Set<FileDescriptor> out = new LinkedHashSet<>();
        Deque<FileDescriptor> todo = new ArrayDeque<>(files);
        while (!todo.isEmpty()) {
            FileDescriptor f = todo.removeFirst();
            if (out.add(f)) {
                todo.addAll(f.getDependencies());
            }
        }
        return out;
    }

    private static FileDescriptor build(FileDescriptorProto proto, List<FileDescriptor> deps)
            throws ProtoSchemaException {
        try {
            return FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
        } catch (DescriptorValidationException e) {
            throw new ProtoSchemaException(proto.getName() + ": " + e.getMessage(), e);
        }
    }

    private static final class TextLoader {
        private final Function<String, Optional<String>> imports;
        private final Map<String, FileDescriptor> done = new HashMap<>();
        private final LinkedHashSet<String> inProgress = new LinkedHashSet<>();

        TextLoader(Function<String, Optional<String>> imports) {
            this.imports = imports;
        }

        FileDescriptor load(String name, String text) throws ProtoSchemaException {
            inProgress.add(name);
            ParsedFile parsed = ProtoParser.parse(name, text);
            List<FileDescriptor> deps = new ArrayList<>();
            for (ParsedFile.Import imp : parsed.imports()) {
                deps.add(dependency(name, imp));
            }
            FileDescriptor file = build(TypeResolver.resolve(parsed, deps), deps);
            inProgress.remove(name);
            done.put(name, file);
            return file;
        }

        private FileDescriptor dependency(String importer, ParsedFile.Import imp) throws ProtoSchemaException {
            FileDescriptor known = WELL_KNOWN.get(imp.name());
            if (known == null) {
                known = done.get(imp.name());
            }
            if (known != null) {
                return known;
            }
            if (inProgress.contains(imp.name())) {
                List<String> chain = new ArrayList<>(inProgress);
                List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(imp.name()), chain.size()));
                cycle.add(imp.name());
                throw ProtoSchemaException.at(importer, imp.line(), imp.column(),
                        "import cycle: " + String.join(" -> ", cycle));
            }
            Optional<String> text;
            try {
                text = imports.apply(imp.name());
            } catch (UncheckedIOException e) {
                throw ProtoSchemaException.at(importer, imp.line(), imp.column(),
                        "cannot read import \"" + imp.name() + "\": " + e.getCause());
            }
            if (text == null || text.isEmpty()) {
                throw ProtoSchemaException.at(importer, imp.line(), imp.column(),
                        "import \"" + imp.name() + "\" not found");
            }
            return load(imp.name(), text.get());
        }
    }

    private static final class SetLoader {
        private final Map<String, FileDescriptorProto> protos;
        private final Map<String, FileDescriptor> done = new HashMap<>();

        SetLoader(Map<String, FileDescriptorProto> protos) {
            this.protos = protos;
        }

        FileDescriptor load(String name, LinkedHashSet<String> inProgress) throws ProtoSchemaException {
            FileDescriptor known = WELL_KNOWN.get(name);
            if (known == null) {
                known = done.get(name);
            }
            if (known != null) {
                return known;
            }
            if (!inProgress.add(name)) {
                List<String> chain = new ArrayList<>(inProgress);
                List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(name), chain.size()));
                cycle.add(name);
                throw new ProtoSchemaException("descriptor set: import cycle: " + String.join(" -> ", cycle));
            }
            FileDescriptorProto proto = protos.get(name);
            List<FileDescriptor> deps = new ArrayList<>();
            for (String dep : proto.getDependencyList()) {
                if (!WELL_KNOWN.containsKey(dep) && !protos.containsKey(dep)) {
                    throw new ProtoSchemaException("descriptor set: " + name + " imports " + dep
                            + ", which is not in the set (compile with protoc --include_imports)");
                }
                deps.add(load(dep, inProgress));
            }
            FileDescriptor file = build(proto, deps);
            inProgress.remove(name);
            done.put(name, file);
            return file;
        }
    }
}
