package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every error names file, line and column (1-based) and what was expected or is wrong. */
class ProtoSchemaErrorsTest {
    private static void assertError(String text, String message) {
        assertErrorWithImports(text, Map.of(), message);
    }

    private static void assertErrorWithImports(String text, Map<String, String> imports, String message) {
        assertThatThrownBy(() -> ProtoSchemas.fromProtoText("orders.proto", text,
                name -> Optional.ofNullable(imports.get(name))))
                .isInstanceOf(ProtoSchemaException.class)
                .hasMessage(message);
    }

    @Test
    void missingSemicolon() {
        assertError("""
                syntax = "proto3";
                message Order {
                  int64 id = 1
                  string name = 2;
                }
                """, "orders.proto:4:3: expected ';' after field number, found 'string'");
        assertError("syntax = \"proto3\"\nmessage M {}",
                "orders.proto:2:1: expected ';' after syntax statement, found 'message'");
        assertError("syntax = \"proto2\";\nmessage M { optional int32 a = 1 [deprecated = true] }",
                "orders.proto:2:54: expected ';' after field options, found '}'");
    }

    @Test
    void unknownTypesNameTheTypeAndTheScopeSearched() {
        assertError("""
                syntax = "proto3";
                package shop.orders;
                message Order {
                  message Line {
                    Money price = 1;
                  }
                }
                """, "orders.proto:5:5: unknown type \"Money\" in scope shop.orders.Order.Line (looked for "
                + "shop.orders.Order.Line.Money, shop.orders.Order.Money, shop.orders.Money, shop.Money, Money)");
        assertError("syntax = \"proto3\";\nmessage M { .nope.X x = 1; }",
                "orders.proto:2:13: unknown type \".nope.X\" in scope M (looked for nope.X)");
        assertError("""
                syntax = "proto3";
                package a;
                message Outer { message Foo {} }
                message M {
                  message Outer {}
                  Outer.Foo f = 1;
                }
                """, "orders.proto:6:3: type \"Outer.Foo\" resolves to \"a.M.Outer.Foo\", which is not defined (the "
                + "innermost scope is searched first; write \".Outer.Foo\" to start from the outermost scope)");
        assertError("syntax = \"proto3\";\nmessage M { int32 x = 1; M.x y = 2; }",
                "orders.proto:2:26: \"M.x\" (M.x) is not a message or enum type");
        assertError("syntax = \"proto3\";\nenum E { A = 0; }\nservice S { rpc Get(E) returns (E); }",
                "orders.proto:3:21: \"E\" (E) is not a message type");
    }

    @Test
    void duplicateAndInvalidNumbers() {
        assertError("""
                syntax = "proto3";
                message Order {
                  int64 id = 1;
                  string name = 1;
                }
                """, "orders.proto:4:10: field number 1 of message Order is already used by field \"id\"");
        assertError("syntax = \"proto3\";\nmessage M { int32 a = 1; map<string, int32> a = 2; }",
                "orders.proto:2:45: field \"a\" is already defined in message M");
        assertError("syntax = \"proto3\";\nmessage M { reserved 2 to 4; int32 a = 3; }",
                "orders.proto:2:36: field \"a\" uses number 3, which is reserved in message M");
        assertError("syntax = \"proto3\";\nmessage M { reserved \"a\"; int32 a = 3; }",
                "orders.proto:2:33: field name \"a\" is reserved in message M");
        assertError("syntax = \"proto3\";\nmessage M { int32 a = 19000; }",
                "orders.proto:2:23: field number 19000 is reserved for the Protobuf implementation (19000 to 19999)");
        assertError("syntax = \"proto3\";\nmessage M { int32 a = 0; }",
                "orders.proto:2:23: field number 0 is out of range; field numbers go from 1 to 536870911");
        assertError("syntax = \"proto3\";\nenum E { A = 0; B = 0; }",
                "orders.proto:2:17: enum value \"B\" uses the same number 0 as \"A\"; set 'option allow_alias = "
                        + "true;' in enum E if this is intended");
        assertError("syntax = \"proto3\";\nenum E { A = 1; }",
                "orders.proto:2:14: the first value of proto3 enum E must be zero, found 1");
    }

    @Test
    void unterminatedStringsAndComments() {
        assertError("syntax = \"proto3\";\noption java_package = \"io.x;\nmessage M {}",
                "orders.proto:2:23: unterminated string literal");
        assertError("syntax = \"proto3\";\n/* never closed\nmessage M {}",
                "orders.proto:2:1: unterminated /* comment");
        assertError("syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n",
                "orders.proto:4:1: expected '}' to close message M, found end of file");
        assertError("syntax = \"proto3\";\noption java_package = \"a\\qb\";",
                "orders.proto:2:25: invalid escape sequence \\q");
        assertError("syntax = \"proto3\";\nmessage M { int32 a = 1 # }",
                "orders.proto:2:25: unexpected character '#'");
    }

    @Test
    void missingImportsAndImportCycles() {
        assertError("syntax = \"proto3\";\nimport \"common/money.proto\";\n",
                "orders.proto:2:8: import \"common/money.proto\" not found");
        assertErrorWithImports("syntax = \"proto3\";\nimport \"a.proto\";\n", Map.of(
                        "a.proto", "syntax = \"proto3\";\nimport \"b.proto\";",
                        "b.proto", "syntax = \"proto3\";\n\nimport \"orders.proto\";"),
                "b.proto:3:8: import cycle: orders.proto -> a.proto -> b.proto -> orders.proto");
        assertError("syntax = \"proto3\";\nimport \"orders.proto\";\n",
                "orders.proto:2:8: import cycle: orders.proto -> orders.proto");
        assertErrorWithImports("syntax = \"proto3\";\nimport \"a.proto\";\n", Map.of("a.proto", "message {"),
                "a.proto:1:9: expected message name, found '{'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            groups are rejected    | syntax = "proto2"; message M { optional group G = 1 { optional int32 a = 2; } } | orders.proto:1:41: groups are not supported (group G); use a nested message instead
            editions are rejected  | edition = "2023"; message M {}                                                  | orders.proto:1:1: editions are not supported; use syntax = "proto2" or "proto3"
            unknown syntax         | syntax = "proto4";                                                              | orders.proto:1:10: unknown syntax "proto4"; expected "proto2" or "proto3"
            proto2 needs labels    | syntax = "proto2"; message M { int32 a = 1; }                                   | orders.proto:1:32: expected 'optional', 'required' or 'repeated' (proto2 fields need a label), found 'int32'
            no required in proto3  | syntax = "proto3"; message M { required int32 a = 1; }                          | orders.proto:1:32: required fields are not allowed in proto3
            no defaults in proto3  | syntax = "proto3"; message M { int32 a = 1 [default = 2]; }                     | orders.proto:1:45: default values are not allowed in proto3
            unknown option         | syntax = "proto3"; option java_pkg = "x";                                       | orders.proto:1:27: unknown file option "java_pkg"
            wrong option type      | syntax = "proto3"; option java_multiple_files = "yes";                          | orders.proto:1:49: option "java_multiple_files" expects true or false, found string "yes"
            features outside editions | syntax = "proto3"; message M { int32 a = 1 [features.field_presence = EXPLICIT]; } | orders.proto:1:45: option "features.field_presence" is not supported (only custom options in parentheses and built-in options without sub-fields are)
            float map key          | syntax = "proto3"; message M { map<float, int32> m = 1; }                       | orders.proto:1:36: map key type must be an integer type, bool or string, found 'float'
            label on map           | syntax = "proto3"; message M { repeated map<int32, int32> m = 1; }              | orders.proto:1:32: map fields must not have a label ('repeated')
            int default range      | syntax = "proto2"; message M { optional int32 a = 1 [default = 3000000000]; }   | orders.proto:1:64: default value value 3000000000 is out of range [-2147483648, 2147483647]
            message default        | syntax = "proto2"; message M { optional M a = 1 [default = x]; }                | orders.proto:1:41: message field "a" cannot have a default value
            empty oneof            | syntax = "proto3"; message M { oneof o { } }                                    | orders.proto:1:40: oneof o must have at least one field
            map_entry by hand      | syntax = "proto3"; message M { option map_entry = true; }                       | orders.proto:1:39: option map_entry must not be set explicitly; use map<K, V> fields
            misplaced syntax       | message M {} syntax = "proto3";                                                 | orders.proto:1:14: 'syntax' must be the first statement
            stray token            | syntax = "proto3"; } message M {}                                               | orders.proto:1:20: expected a top-level statement (message, enum, service, extend, import, package, option), found '}'
            source option twice    | syntax = "proto3"; option java_package = "a"; option java_package = "b";        | orders.proto:1:54: option "java_package" is set twice
            negative field number  | syntax = "proto3"; message M { int32 a = -1; }                                  | orders.proto:1:42: expected field number after '=', found '-'
            """)
    void rejectedConstructs(String name, String text, String message) {
        assertError(text, message);
    }

    @Test
    void validationByProtobufJavaNamesTheFile() {
        assertError("syntax = \"proto3\";\npackage p;\nmessage A {}\nmessage A {}",
                "orders.proto: p.A: \"A\" is already defined in \"p\".");
    }
}
