package io.sluice.format.protobuf;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import java.util.List;

/**
 * One parsed .proto file whose type references are still as written. {@link TypeResolver} completes
 * {@code proto} in place once the imported files are known.
 */
record ParsedFile(String name, FileDescriptorProto.Builder proto, List<Import> imports, List<TypeRef> typeRefs) {

    record Import(String name, int line, int column) {
    }

    enum Use { FIELD_TYPE, MAP_ENTRY, EXTENDEE, INPUT_TYPE, OUTPUT_TYPE }

    /**
     * A type name to resolve. {@code localScope} is the full name, without the file's package, of the element
     * the name is written in (a field, an extension, a method), as protoc searches from there outwards; for
     * {@link Use#MAP_ENTRY} it is the entry message's name, which is final already.
     */
    record TypeRef(Use use, String written, String localScope, int line, int column,
                   FieldDescriptorProto.Builder field, MethodDescriptorProto.Builder method) {
    }
}
