package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our descriptors must equal the ones protoc writes for the same text. */
class ProtocComparisonTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"orders.proto", "legacy.proto", "scopes.proto", "common/money.proto"})
    void resourceFilesMatchProtoc(String main) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : new String[] {"orders.proto", "legacy.proto", "scopes.proto", "common/money.proto"}) {
            files.put(name, Protoc.text(name));
        }
        assertSameAsProtoc(files, main);
    }

    @Test
    void edgeCasesMatchProtoc() throws Exception {
        String text = """
                syntax = "proto3";
                package edge.cases;
                import weak "other.proto";
                message M {
                  optional int32 a = 1;
                  optional string _a = 2;   // synthetic oneof names collide: _a, X_a, XX_a
                  oneof X_a { int32 b = 3; }
                  map<bool, bytes> flags_map = 4;
                  map<uint64, M> by_id = 5;
                  map<sfixed32, Other> others = 6;
                  map<string, Color> colors__2 = 7;
                  enum Color { option allow_alias = true; RED = 0; ROUGE = 0; BLUE = 1 [deprecated = true]; }
                  repeated double samples = 8 [packed = true];
                  optional M self = 9;
                  reserved 100 to max;
                  message mapEntry {}
                  Other.Inner inner = 10 [json_name = "INNER", deprecated = true];
                  int32 HTTPCode = 11;
                  int32 a_b_c = 12;
                }
                enum Top { option deprecated = true; TOP_ZERO = 0; reserved -5 to -1, 7, 9 to max; reserved "OLD"; }
                service S { rpc Echo (stream M) returns (stream .edge.cases.M); }
                """;
        String other = """
                syntax = "proto2";
                package edge.cases;
                message Other { message Inner { optional string s = 1 [default = "\\101\\x42\\u00e9"]; } }
                """;
        assertSameAsProtoc(Map.of("edge.proto", text, "other.proto", other), "edge.proto");
    }

    @Test
    void proto2DefaultsMatchProtoc() throws Exception {
        String text = """
                syntax = "proto2";
                message D {
                  optional double d1 = 1 [default = 123456789012345678];
                  optional double d2 = 2 [default = 0.000012345];
                  optional double d3 = 3 [default = -0.0];
                  optional double d4 = 4 [default = 1.7976931348623157e308];
                  optional double d5 = 5 [default = 5e-324];
                  optional float f1 = 6 [default = 3.4028235e38];
                  optional float f2 = 7 [default = 0.2];
                  optional float f3 = 8 [default = 16777217];
                  optional float f4 = 9 [default = -inf];
                  optional double d6 = 10 [default = 0x10];
                  optional int64 i1 = 11 [default = -0x8000000000000000];
                  optional uint32 u1 = 12 [default = 4294967295];
                  optional fixed64 u2 = 13 [default = 0];
                  optional string s1 = 14 [default = ''];
                  optional bytes b1 = 15 [default = "\\a\\b\\f\\v\\\\\\?\\'"];
                  optional bool b2 = 16 [default = false];
                  optional double d7 = 17 [default = 1e15];
                  optional double d8 = 18 [default = 1e16];
                  optional double d9 = 19 [default = 0.0001];
                  optional double d10 = 20 [default = 0.00001];
                }
                """;
        assertSameAsProtoc(Map.of("defaults.proto", text), "defaults.proto");
    }

    /** protobuf-java's compiled well-known descriptors were made by protoc; parsing their sources must match. */
    @Test
    void wellKnownSourcesMatchProtobufJavasCompiledDescriptors() throws Exception {
        for (FileDescriptor builtIn : new FileDescriptor[] {
                com.google.protobuf.TimestampProto.getDescriptor(), com.google.protobuf.AnyProto.getDescriptor(),
                com.google.protobuf.StructProto.getDescriptor(), com.google.protobuf.WrappersProto.getDescriptor(),
                com.google.protobuf.TypeProto.getDescriptor(), com.google.protobuf.ApiProto.getDescriptor(),
                com.google.protobuf.DurationProto.getDescriptor(), com.google.protobuf.EmptyProto.getDescriptor(),
                com.google.protobuf.FieldMaskProto.getDescriptor(),
                com.google.protobuf.SourceContextProto.getDescriptor(),
                com.google.protobuf.DescriptorProtos.getDescriptor()}) {
            String name = builtIn.getName();
            // Its imports of other well-known files come from protobuf-java.
            FileDescriptorProto ours = ProtoSchemas.fromProtoText(name, Protoc.text(name), n -> Optional.empty())
                    .toProto();
            assertEqualProtos(ours, builtIn.toProto());
        }
    }

    @Test
    void descriptorProtoMatchesProtoc() throws Exception {
        String name = "google/protobuf/descriptor.proto";
        Map<String, FileDescriptorProto> theirs = Protoc.compile(dir, Map.of(), name);
        FileDescriptorProto ours = ProtoSchemas.fromProtoText(name, Protoc.text(name), n -> Optional.empty())
                .toProto();
        assertEqualProtos(ours, theirs.get(name));
    }

    private void assertSameAsProtoc(Map<String, String> files, String main) throws Exception {
        Map<String, FileDescriptorProto> theirs = Protoc.compile(dir, files, main);
        FileDescriptor ours = ProtoSchemas.fromProtoText(main, files.get(main),
                name -> Optional.ofNullable(files.get(name)));
        Map<String, FileDescriptorProto> oursByName = new LinkedHashMap<>();
        Deque<FileDescriptor> todo = new ArrayDeque<>();
        todo.add(ours);
        while (!todo.isEmpty()) {
            FileDescriptor f = todo.pop();
            oursByName.put(f.getName(), f.toProto());
            todo.addAll(f.getDependencies());
        }
        assertThat(oursByName.keySet()).containsExactlyInAnyOrderElementsOf(theirs.keySet());
        for (Map.Entry<String, FileDescriptorProto> e : theirs.entrySet()) {
            if (!e.getKey().startsWith("google/protobuf/")) {
                assertEqualProtos(oursByName.get(e.getKey()), e.getValue());
            }
        }
    }

    /** Compares as text first, for a readable diff, then exactly. */
    static void assertEqualProtos(FileDescriptorProto ours, FileDescriptorProto expected) {
        assertThat(TextFormat.printer().printToString(ours))
                .as("descriptor of " + expected.getName())
                .isEqualTo(TextFormat.printer().printToString(expected));
        assertThat(ours).isEqualTo(expected);
    }
}
