package io.sluice.format.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.sluice.format.DecodeException;
import io.sluice.format.Decoder;
import io.sluice.format.WireFormat;
import io.sluice.format.registry.RegisteredSchema;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.format.registry.WriterSchemas;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Protobuf values: in the registry's wire format (schema id, message indexes), each decoded with the message
 * its id and indexes name (the schema fetched once), or with one message type from a local {@code .proto} file
 * or descriptor set.
 */
public final class ProtobufDecoder implements Decoder {
    private static final List<String> DESCRIPTOR_SETS = List.of(".desc", ".pb", ".protoset");

    private final ProtobufRowReader fixed;
    private final boolean framed;
    private final NestedMode nested;
    private final String separator;
    /** Null when decoding with a schema file. */
    private final WriterSchemas<Schema> writers;

    /** One registered schema and the readers of the messages its payloads have named so far. */
    private static final class Schema {
        final FileDescriptor file;
        ProtobufRowReader first;
        final Map<IndexPath, ProtobufRowReader> others = new HashMap<>();

        Schema(FileDescriptor file) {
            this.file = file;
        }
    }

    private record IndexPath(int[] indexes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IndexPath p && Arrays.equals(indexes, p.indexes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(indexes);
        }
    }

    private ProtobufDecoder(SchemaRegistryClient registry, ProtobufRowReader fixed, boolean framed, NestedMode nested,
                            String separator) {
        this.fixed = fixed;
        this.framed = framed;
        this.nested = nested;
        this.separator = separator;
        this.writers = registry == null ? null : new WriterSchemas<>(registry, SchemaType.PROTOBUF, "protobuf", "Protobuf schema",
                ProtobufDecoder::compile);
    }

    /** Framed values whose schemas come from the registry. */
    public static ProtobufDecoder withRegistry(SchemaRegistryClient registry, NestedMode nested, String separator) {
        return new ProtobufDecoder(registry, null, true, nested, separator);
    }

    /**
     * Values decoded as {@code messageType} (full or simple name; needed when the file has more than one top-level
     * message) of the {@code .proto} file or descriptor set ({@code .desc}, {@code .pb}, {@code .protoset}) in
     * {@code file}; {@code framed} when they still carry the registry's header and message indexes, which are then
     * skipped.
     *
     * @throws IllegalArgumentException when the file cannot be read or parsed, or the message is not in it
     */
    public static ProtobufDecoder withSchemaFile(Path file, Optional<String> messageType, boolean framed, NestedMode nested,
                                                 String separator) {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean set = DESCRIPTOR_SETS.stream().anyMatch(lower::endsWith);
        if (!set && !lower.endsWith(".proto")) {
            throw new IllegalArgumentException("Protobuf schema file " + file + " is neither a .proto file nor a descriptor set ("
                    + String.join(", ", DESCRIPTOR_SETS) + ")");
        }
        List<FileDescriptor> files;
        try {
            files = set ? ProtoSchemas.fromDescriptorSet(Files.readAllBytes(file)) : List.of(ProtoSchemas.fromProtoFile(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Protobuf schema file " + file + ": " + e.getMessage(), e);
        } catch (ProtoSchemaException e) {
            throw new IllegalArgumentException("Protobuf schema file " + file + " is not a valid schema: " + e.getMessage(), e);
        }
        Descriptor type;
        if (messageType.isPresent()) {
            try {
                type = ProtoSchemas.findMessage(files, messageType.get());
            } catch (ProtoSchemaException e) {
                throw new IllegalArgumentException("message_type: " + e.getMessage(), e);
            }
        } else {
            List<Descriptor> candidates = new ArrayList<>();
            for (FileDescriptor f : roots(files)) {
                candidates.addAll(f.getMessageTypes());
            }
            if (candidates.size() != 1) {
                throw new IllegalArgumentException("Protobuf schema file " + file + (candidates.isEmpty() ? " defines no message"
                        : " defines " + candidates.size() + " top-level messages ("
                        + candidates.stream().map(Descriptor::getFullName).collect(Collectors.joining(", "))
                        + "); set message_type to the one the values hold"));
            }
            type = candidates.get(0);
        }
        return new ProtobufDecoder(null, new ProtobufRowReader(type, nested, separator), framed, nested, separator);
    }

    /** The files of a descriptor set that no other file in it imports: the ones the set was compiled for. */
    private static List<FileDescriptor> roots(List<FileDescriptor> files) {
        Set<String> imported = new HashSet<>();
        for (FileDescriptor f : files) {
            for (FileDescriptor dep : f.getDependencies()) {
                imported.add(dep.getName());
            }
        }
        return files.stream().filter(f -> !imported.contains(f.getName())).toList();
    }

    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        if (!framed) {
            fixed.read(value, 0, value.length, row);
            return;
        }
        int id = WireFormat.schemaId(value);
        ByteBuffer buf = ByteBuffer.wrap(value, WireFormat.HEADER, value.length - WireFormat.HEADER);
        int[] indexes = MessageIndexes.read(buf);
        ProtobufRowReader reader = fixed != null ? fixed : reader(id, indexes);
        if (fixed == null) {
            row.schemaId(id);
        }
        int start = buf.position();
        reader.read(value, start, value.length - start, row);
    }

    private ProtobufRowReader reader(int id, int[] indexes) throws DecodeException {
        Schema s = writers.get(id);
        boolean first = indexes.length == 1 && indexes[0] == 0;
        ProtobufRowReader r = first ? s.first : s.others.get(new IndexPath(indexes));
        if (r != null) {
            return r;
        }
        Descriptor type;
        try {
            type = MessageIndexes.resolve(s.file, indexes);
        } catch (DecodeException e) {
            throw new DecodeException("schema id " + id + ": " + e.getMessage());
        }
        r = new ProtobufRowReader(type, nested, separator);
        if (first) {
            s.first = r;
        } else {
            s.others.put(new IndexPath(indexes), r);
        }
        return r;
    }

    private static Schema compile(RegisteredSchema registered, Map<String, String> imports)
            throws WriterSchemas.InvalidSchemaException {
        try {
            return new Schema(ProtoSchemas.fromProtoText("schema-" + registered.id() + ".proto", registered.text(),
                    name -> Optional.ofNullable(imports.get(name))));
        } catch (ProtoSchemaException e) {
            throw new WriterSchemas.InvalidSchemaException(e.getMessage());
        }
    }
}
