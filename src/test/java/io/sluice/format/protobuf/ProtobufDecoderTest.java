package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.sluice.format.DecodeException;
import io.sluice.format.SchemaUnavailableException;
import io.sluice.format.WireFormat;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.JsonText;
import io.sluice.schema.MapValue;
import io.sluice.schema.Row;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every row of the Protobuf type mapping, checked against payloads written by protobuf-java's
 * {@link DynamicMessage} (the reference encoder) for descriptors built from .proto text.
 */
class ProtobufDecoderTest {
    private static final String SCALARS = """
            syntax = "proto3";
            package t;
            enum Color { RED = 0; GREEN = 1; BLUE = 2; }
            message Scalars {
              int32 i32 = 1; sint32 s32 = 2; sfixed32 sf32 = 3;
              uint32 u32 = 4; fixed32 f32 = 5;
              int64 i64 = 6; sint64 s64 = 7; sfixed64 sf64 = 8;
              uint64 u64 = 9; fixed64 f64 = 10;
              float fl = 11; double db = 12; bool ok = 13; string s = 14; bytes raw = 15;
              Color color = 16;
              optional int32 maybe = 17;
              repeated string tags = 18;
              repeated Color colors = 19;
              map<string, int64> counts = 20;
            }
            """;

    @Test
    void everyScalarTypeHasItsColumnTypeAndValue() throws Exception {
        Descriptor d = message(SCALARS, "t.Scalars");
        Row row = decode(d, NestedMode.FLATTEN, build(d, Map.ofEntries(
                Map.entry("i32", -7), Map.entry("s32", -8), Map.entry("sf32", -9),
                Map.entry("u32", -1), Map.entry("f32", 0x80000000),
                Map.entry("i64", -10L), Map.entry("s64", Long.MIN_VALUE), Map.entry("sf64", -12L),
                Map.entry("u64", -1L), Map.entry("f64", Long.MIN_VALUE),
                Map.entry("fl", 0.5f), Map.entry("db", 1.25), Map.entry("ok", true), Map.entry("s", "héllo"),
                Map.entry("raw", ByteString.copyFrom(new byte[] {0, 1, (byte) 255})), Map.entry("color", "BLUE"),
                Map.entry("maybe", 0), Map.entry("tags", List.of("a", "b")), Map.entry("colors", List.of("GREEN", "RED")),
                Map.entry("counts", Map.of("k", 3L)))));

        assertThat(columns(row)).containsExactly("i32 INTEGER", "s32 INTEGER", "sf32 INTEGER", "u32 BIGINT", "f32 BIGINT",
                "i64 BIGINT", "s64 BIGINT", "sf64 BIGINT", "u64 DECIMAL(20,0)", "f64 DECIMAL(20,0)", "fl FLOAT", "db DOUBLE",
                "ok BOOLEAN", "s VARCHAR", "raw BLOB", "color VARCHAR", "maybe INTEGER", "tags VARCHAR[]", "colors VARCHAR[]",
                "counts MAP(VARCHAR,BIGINT)");
        assertThat(values(row)).containsExactly(-7, -8, -9, 4_294_967_295L, 2_147_483_648L, -10L, Long.MIN_VALUE, -12L,
                new BigDecimal("18446744073709551615"), new BigDecimal("9223372036854775808"), 0.5f, 1.25, true, "héllo",
                new byte[] {0, 1, (byte) 255}, "BLUE", 0, List.of("a", "b"), List.of("GREEN", "RED"),
                new MapValue(Map.of("k", 3L)));
        assertThat(row.type(8)).isEqualTo(new Decimal(20, 0));
    }

    @Test
    void proto3ScalarsWithoutPresenceReadTheirDefaultsAndOptionalAndMessagesReadNull() throws Exception {
        Descriptor d = message(SCALARS + "message Outer { Scalars inner = 1; optional string note = 2; int32 n = 3; }",
                "t.Outer");
        Row row = decode(d, NestedMode.FLATTEN, DynamicMessage.getDefaultInstance(d));
        List<Object> expected = Arrays.asList(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, 0);
        assertThat(values(row)).containsExactlyElementsOf(expected);
        assertThat(row.name(0)).isEqualTo("inner__i32");
        assertThat(row.name(20)).isEqualTo("note");

        Descriptor s = message(SCALARS, "t.Scalars");
        Row defaults = decode(s, NestedMode.FLATTEN, DynamicMessage.getDefaultInstance(s));
        assertThat(values(defaults)).containsExactly(0, 0, 0, 0L, 0L, 0L, 0L, 0L, BigDecimal.ZERO, BigDecimal.ZERO, 0.0f, 0.0,
                false, "", new byte[0], "RED", null, List.of(), List.of(), new MapValue(Map.of()));
    }

    @Test
    void anEnumNumberTheSchemaDoesNotKnowBecomesItsNumberAsText() throws Exception {
        Descriptor open = message(SCALARS, "t.Scalars");
        EnumDescriptor color = open.findEnumTypeByName("Color") == null
                ? open.getFile().findEnumTypeByName("Color") : open.findEnumTypeByName("Color");
        DynamicMessage m = DynamicMessage.newBuilder(open)
                .setField(open.findFieldByName("color"), color.findValueByNumberCreatingIfUnknown(7))
                .addRepeatedField(open.findFieldByName("colors"), color.findValueByNumberCreatingIfUnknown(9))
                .build();
        Row row = decode(open, NestedMode.FLATTEN, m);
        assertThat(value(row, "color")).isEqualTo("7");
        assertThat(value(row, "colors")).isEqualTo(List.of("9"));

        // proto2 enums are closed: protobuf-java keeps an unknown number among the unknown fields
        Descriptor closed = message("""
                syntax = "proto2";
                enum E { A = 1; B = 2; }
                message P { optional E e = 1; optional E d = 2 [default = B]; }
                """, "P");
        Descriptor writer = message("syntax = \"proto2\"; message W { optional int32 e = 1; }", "W");
        Row p = decode(closed, NestedMode.FLATTEN, build(writer, Map.of("e", 5)));
        assertThat(columns(p)).containsExactly("e VARCHAR", "d VARCHAR");
        assertThat(values(p)).containsExactly("5", "B");
        assertThat(values(decode(closed, NestedMode.FLATTEN, DynamicMessage.getDefaultInstance(closed))))
                .containsExactly(null, "B");
    }

    @Test
    void oneofMembersAreOrdinaryNullableColumnsAndOnlyTheSetOneHasAValue() throws Exception {
        Descriptor d = message("""
                syntax = "proto3";
                message Card { string last4 = 1; }
                message Pay {
                  string id = 1;
                  oneof method { string iban = 2; Card card = 3; int64 points = 4; }
                }
                """, "Pay");
        Row row = decode(d, NestedMode.FLATTEN, build(d, Map.of("id", "p1", "points", 0L)));
        assertThat(columns(row)).containsExactly("id VARCHAR", "iban VARCHAR", "card__last4 VARCHAR", "points BIGINT");
        assertThat(values(row)).containsExactly("p1", null, null, 0L);

        DynamicMessage card = build(d.findFieldByName("card").getMessageType(), Map.of("last4", "4242"));
        Row withCard = decode(d, NestedMode.STRUCT, build(d, Map.of("id", "p2", "iban", "DE00", "card", card)));
        assertThat(columns(withCard)).containsExactly("id VARCHAR", "iban VARCHAR", "card STRUCT(last4 VARCHAR)",
                "points BIGINT");
        assertThat(values(withCard)).containsExactly("p2", null, Map.of("last4", "4242"), null);
    }

    @Test
    void mapsKeepTheirKeyAndValueTypes() throws Exception {
        Descriptor d = message("""
                syntax = "proto3";
                enum Level { LOW = 0; HIGH = 1; }
                message V { int32 n = 1; }
                message M {
                  map<int32, V> by_id = 1;
                  map<bool, string> flags = 2;
                  map<uint64, Level> levels = 3;
                  map<string, bytes> blobs = 4;
                }
                """, "M");
        Descriptor v = d.getFile().findMessageTypeByName("V");
        DynamicMessage m = DynamicMessage.newBuilder(d)
                .addRepeatedField(d.findFieldByName("by_id"), entry(d, "by_id", 2, build(v, Map.of("n", 20))))
                .addRepeatedField(d.findFieldByName("by_id"), entry(d, "by_id", 1, DynamicMessage.getDefaultInstance(v)))
                .addRepeatedField(d.findFieldByName("flags"), entry(d, "flags", true, "yes"))
                .addRepeatedField(d.findFieldByName("levels"), entry(d, "levels", -1L,
                        d.getFile().findEnumTypeByName("Level").findValueByName("HIGH")))
                .addRepeatedField(d.findFieldByName("blobs"), entry(d, "blobs", "b", ByteString.copyFromUtf8("x")))
                .build();
        for (NestedMode mode : List.of(NestedMode.FLATTEN, NestedMode.STRUCT)) {
            Row row = decode(d, mode, m);
            assertThat(columns(row)).containsExactly("by_id MAP(INTEGER,STRUCT(n INTEGER))", "flags MAP(BOOLEAN,VARCHAR)",
                    "levels MAP(DECIMAL(20,0),VARCHAR)", "blobs MAP(VARCHAR,BLOB)");
            Map<?, ?> byId = ((MapValue) value(row, "by_id")).entries();
            assertThat(List.copyOf(byId.keySet())).isEqualTo(List.of(2, 1));
            assertThat(byId.get(2)).isEqualTo(Map.of("n", 20));
            assertThat(byId.get(1)).isEqualTo(Map.of("n", 0));
            assertThat(value(row, "flags")).isEqualTo(new MapValue(Map.of(true, "yes")));
            assertThat(value(row, "levels")).isEqualTo(new MapValue(Map.of(new BigDecimal("18446744073709551615"), "HIGH")));
            assertThat((byte[]) ((MapValue) value(row, "blobs")).entries().get("b")).containsExactly('x');
        }
        Row json = decode(d, NestedMode.JSON, m);
        assertThat(row(json).get("by_id")).isEqualTo(new MapValue(Map.of(2, new JsonText("{\"n\":20}"),
                1, new JsonText("{\"n\":0}"))));
        assertThat(types(json).get("by_id")).isEqualTo(new MapOf(Scalar.INTEGER, Scalar.JSON));
    }

    private static final String NESTED = """
            syntax = "proto3";
            package shop;
            message Order {
              message Line { string sku = 1; int32 n = 2; }
              message Address { string city = 1; Geo geo = 2; }
              message Geo { double lat = 1; double lon = 2; }
              string id = 1;
              Address ship = 2;
              repeated Line lines = 3;
            }
            """;

    @Test
    void nestedMessagesFlattenIntoParentChildColumns() throws Exception {
        Descriptor d = message(NESTED, "shop.Order");
        DynamicMessage order = order(d);
        Row row = decode(d, NestedMode.FLATTEN, order);
        assertThat(columns(row)).containsExactly("id VARCHAR", "ship__city VARCHAR", "ship__geo__lat DOUBLE",
                "ship__geo__lon DOUBLE", "lines STRUCT(sku VARCHAR, n INTEGER)[]");
        assertThat(values(row)).containsExactly("o1", "Lyon", 45.75, 4.85, List.of(Map.of("sku", "A", "n", 1),
                Map.of("sku", "B", "n", 0)));
        assertThat(values(decode(d, NestedMode.FLATTEN, build(d, Map.of("id", "o2")))))
                .containsExactly("o2", null, null, null, List.of());

        Row dotted = decode(new ProtobufRowReader(d, NestedMode.FLATTEN, "."), order);
        assertThat(dotted.name(2)).isEqualTo("ship.geo.lat");
    }

    @Test
    void nestedMessagesAsStructsAndAsJson() throws Exception {
        Descriptor d = message(NESTED, "shop.Order");
        Row struct = decode(d, NestedMode.STRUCT, order(d));
        assertThat(columns(struct)).containsExactly("id VARCHAR",
                "ship STRUCT(city VARCHAR, geo STRUCT(lat DOUBLE, lon DOUBLE))", "lines STRUCT(sku VARCHAR, n INTEGER)[]");
        assertThat(value(struct, "ship")).isEqualTo(Map.of("city", "Lyon", "geo", Map.of("lat", 45.75, "lon", 4.85)));
        assertThat(value(struct, "ship")).isInstanceOf(LinkedHashMap.class);

        Row json = decode(d, NestedMode.JSON, order(d));
        assertThat(columns(json)).containsExactly("id VARCHAR", "ship JSON", "lines JSON[]");
        assertThat(values(json)).containsExactly("o1", new JsonText("{\"city\":\"Lyon\",\"geo\":{\"lat\":45.75,\"lon\":4.85}}"),
                List.of(new JsonText("{\"sku\":\"A\",\"n\":1}"), new JsonText("{\"sku\":\"B\",\"n\":0}")));
        assertThat(values(decode(d, NestedMode.JSON, build(d, Map.of("id", "o3"))))).containsExactly("o3", null, List.of());
    }

    @Test
    void wellKnownTypesMapToTheirOwnColumnTypes() throws Exception {
        Descriptor d = message("""
                syntax = "proto3";
                import "google/protobuf/timestamp.proto";
                import "google/protobuf/duration.proto";
                import "google/protobuf/wrappers.proto";
                import "google/protobuf/struct.proto";
                import "google/protobuf/empty.proto";
                import "google/protobuf/any.proto";
                message W {
                  google.protobuf.Timestamp at = 1;
                  google.protobuf.Duration took = 2;
                  google.protobuf.Int32Value i32 = 3;
                  google.protobuf.Int64Value i64 = 4;
                  google.protobuf.UInt32Value u32 = 5;
                  google.protobuf.UInt64Value u64 = 6;
                  google.protobuf.FloatValue fl = 7;
                  google.protobuf.DoubleValue db = 8;
                  google.protobuf.BoolValue ok = 9;
                  google.protobuf.StringValue s = 10;
                  google.protobuf.BytesValue raw = 11;
                  google.protobuf.Struct attrs = 12;
                  google.protobuf.Value any_value = 13;
                  google.protobuf.ListValue list = 14;
                  google.protobuf.Empty nothing = 15;
                  google.protobuf.Any packed = 16;
                  repeated google.protobuf.Timestamp history = 17;
                  repeated google.protobuf.Int32Value counts = 18;
                }
                """, "W");
        Struct attrs = Struct.newBuilder()
                .putFields("n", Value.newBuilder().setNumberValue(1.5).build())
                .putFields("s", Value.newBuilder().setStringValue("x").build())
                .putFields("z", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build())
                .putFields("l", Value.newBuilder().setListValue(ListValue.newBuilder()
                        .addValues(Value.newBuilder().setBoolValue(true))
                        .addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("k", Value.newBuilder().setNumberValue(2).build())))).build())
                .build();
        DynamicMessage full = DynamicMessage.newBuilder(d)
                .setField(d.findFieldByName("at"), Timestamp.newBuilder().setSeconds(1_767_225_600L).setNanos(123_456_789).build())
                .setField(d.findFieldByName("took"), com.google.protobuf.Duration.newBuilder().setSeconds(-2).setNanos(-500_000_999).build())
                .setField(d.findFieldByName("i32"), com.google.protobuf.Int32Value.of(0))
                .setField(d.findFieldByName("i64"), com.google.protobuf.Int64Value.of(-5))
                .setField(d.findFieldByName("u32"), com.google.protobuf.UInt32Value.of(-1))
                .setField(d.findFieldByName("u64"), com.google.protobuf.UInt64Value.of(-1))
                .setField(d.findFieldByName("fl"), com.google.protobuf.FloatValue.of(0.25f))
                .setField(d.findFieldByName("db"), com.google.protobuf.DoubleValue.of(2.5))
                .setField(d.findFieldByName("ok"), com.google.protobuf.BoolValue.of(false))
                .setField(d.findFieldByName("s"), com.google.protobuf.StringValue.of(""))
                .setField(d.findFieldByName("raw"), com.google.protobuf.BytesValue.of(ByteString.copyFromUtf8("r")))
                .setField(d.findFieldByName("attrs"), attrs)
                .setField(d.findFieldByName("any_value"), Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build())
                .setField(d.findFieldByName("list"), ListValue.newBuilder().addValues(Value.newBuilder().setStringValue("q")).build())
                .setField(d.findFieldByName("nothing"), com.google.protobuf.Empty.getDefaultInstance())
                .setField(d.findFieldByName("packed"), com.google.protobuf.Any.pack(com.google.protobuf.Int32Value.of(3)))
                .addRepeatedField(d.findFieldByName("history"), Timestamp.newBuilder().setSeconds(0).build())
                .addRepeatedField(d.findFieldByName("counts"), com.google.protobuf.Int32Value.of(4))
                .build();
        for (NestedMode mode : NestedMode.values()) {
            Row row = decode(d, mode, full);
            String any = switch (mode) {
                case FLATTEN -> "packed__type_url VARCHAR, packed__value BLOB";
                case STRUCT -> "packed STRUCT(type_url VARCHAR, value BLOB)";
                case JSON -> "packed JSON";
            };
            assertThat(String.join(", ", columns(row))).isEqualTo("at TIMESTAMP, took BIGINT, i32 INTEGER, i64 BIGINT,"
                    + " u32 BIGINT, u64 DECIMAL(20,0), fl FLOAT, db DOUBLE, ok BOOLEAN, s VARCHAR, raw BLOB, attrs JSON,"
                    + " any_value JSON, list JSON, " + any + ", history TIMESTAMP[], counts INTEGER[]");
            Map<String, Object> v = row(row);
            assertThat(v.get("at")).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456789Z"));
            assertThat(v.get("took")).isEqualTo(-2_500_000L);
            assertThat(v).containsEntry("i32", 0).containsEntry("i64", -5L).containsEntry("u32", 4_294_967_295L)
                    .containsEntry("u64", new BigDecimal("18446744073709551615")).containsEntry("fl", 0.25f)
                    .containsEntry("db", 2.5).containsEntry("ok", false).containsEntry("s", "");
            assertThat((byte[]) v.get("raw")).containsExactly('r');
            assertThat(v.get("attrs")).isEqualTo(new JsonText(
                    "{\"n\":1.5,\"s\":\"x\",\"z\":null,\"l\":[true,{\"k\":2.0}]}"));
            assertThat(v.get("any_value")).isEqualTo(new JsonText("null"));
            assertThat(v.get("list")).isEqualTo(new JsonText("[\"q\"]"));
            assertThat(v.get("history")).isEqualTo(List.of(Instant.EPOCH));
            assertThat(v.get("counts")).isEqualTo(List.of(4));
        }
        Row flat = decode(d, NestedMode.FLATTEN, full);
        assertThat(value(flat, "packed__type_url")).isEqualTo("type.googleapis.com/google.protobuf.Int32Value");
        assertThat((byte[]) value(flat, "packed__value")).containsExactly(8, 3);

        Row absent = decode(d, NestedMode.STRUCT, DynamicMessage.getDefaultInstance(d));
        assertThat(values(absent)).containsExactly(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, List.of(), List.of());
    }

    @Test
    void timestampsOutsideTheirValidRangeAreDecodeErrors() throws Exception {
        Descriptor d = message("""
                syntax = "proto3";
                import "google/protobuf/timestamp.proto";
                message T { google.protobuf.Timestamp at = 1; }
                """, "T");
        DynamicMessage m = DynamicMessage.newBuilder(d)
                .setField(d.findFieldByName("at"), Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build()).build();
        assertThatThrownBy(() -> decode(d, NestedMode.FLATTEN, m)).isInstanceOf(DecodeException.class)
                .hasMessage("field T.at: google.protobuf.Timestamp with seconds 9223372036854775807 and nanos 0 is outside"
                        + " 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z");
    }

    @Test
    void aRecursiveTypeKeepsItsRecursiveOccurrenceAsJson() throws Exception {
        Descriptor d = message("""
                syntax = "proto3";
                message Node { string name = 1; repeated Node children = 2; Node parent = 3; }
                """, "Node");
        DynamicMessage leaf = build(d, Map.of("name", "leaf"));
        DynamicMessage root = build(d, Map.of("name", "root", "children", List.of(build(d, Map.of("name", "mid",
                "children", List.of(leaf)))), "parent", build(d, Map.of("name", "up"))));
        for (NestedMode mode : NestedMode.values()) {
            Row row = decode(d, mode, root);
            assertThat(columns(row)).containsExactly("name VARCHAR", "children JSON[]", "parent JSON");
            assertThat(values(row)).containsExactly("root",
                    List.of(new JsonText("{\"name\":\"mid\",\"children\":[{\"name\":\"leaf\",\"children\":[],\"parent\":null}],"
                            + "\"parent\":null}")),
                    new JsonText("{\"name\":\"up\",\"children\":[],\"parent\":null}"));
        }

        Descriptor mutual = message("""
                syntax = "proto3";
                message A { int32 x = 1; B b = 2; }
                message B { string y = 1; A a = 2; }
                """, "A");
        DynamicMessage a = build(mutual, Map.of("x", 1, "b", build(mutual.findFieldByName("b").getMessageType(),
                Map.of("y", "yy", "a", build(mutual, Map.of("x", 2))))));
        Row flat = decode(mutual, NestedMode.FLATTEN, a);
        assertThat(columns(flat)).containsExactly("x INTEGER", "b__y VARCHAR", "b__a JSON");
        assertThat(values(flat)).containsExactly(1, "yy", new JsonText("{\"x\":2,\"b\":null}"));
        Row struct = decode(mutual, NestedMode.STRUCT, a);
        assertThat(columns(struct)).containsExactly("x INTEGER", "b STRUCT(y VARCHAR, a JSON)");
    }

    @Test
    void proto2FieldsReadTheirDeclaredDefaultsOrNullAndRequiredFieldsMustBeThere() throws Exception {
        Descriptor d = message("""
                syntax = "proto2";
                message P {
                  required int64 id = 1;
                  optional int32 n = 2;
                  optional int32 k = 3 [default = 42];
                  optional string s = 4 [default = "none"];
                  optional bool b = 5 [default = true];
                  repeated int32 r = 6;
                }
                """, "P");
        Row row = decode(d, NestedMode.FLATTEN, build(d, Map.of("id", 1L)));
        assertThat(columns(row)).containsExactly("id BIGINT", "n INTEGER", "k INTEGER", "s VARCHAR", "b BOOLEAN", "r INTEGER[]");
        assertThat(values(row)).containsExactly(1L, null, 42, "none", true, List.of());
        assertThat(values(decode(d, NestedMode.FLATTEN, build(d, Map.of("id", 2L, "n", 0, "k", 7, "s", "x", "b", false)))))
                .containsExactly(2L, 0, 7, "x", false, List.of());

        byte[] missing = DynamicMessage.newBuilder(d).setField(d.findFieldByName("n"), 3).buildPartial().toByteArray();
        assertThatThrownBy(() -> new ProtobufRowReader(d, NestedMode.FLATTEN, "__").read(missing, 0, missing.length, new Row()))
                .isInstanceOf(DecodeException.class)
                .hasMessage("corrupt Protobuf payload for message P (2 bytes): message missing required fields: id");
    }

    @Test
    void theSameColumnAlwaysGetsTheSameTypeInstance() throws Exception {
        Descriptor d = message(NESTED, "shop.Order");
        ProtobufRowReader reader = new ProtobufRowReader(d, NestedMode.STRUCT, "__");
        Row a = decode(reader, order(d));
        Row b = decode(reader, build(d, Map.of("id", "x")));
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.type(i)).isSameAs(a.type(i));
            assertThat(b.name(i)).isSameAs(a.name(i));
        }
    }

    @Test
    void aMessageWithoutFieldsAndANestedMessageType() throws Exception {
        Descriptor empty = message("syntax = \"proto3\"; message E {} message H { E e = 1; repeated E es = 2; int32 n = 3; }", "E");
        assertThat(decode(empty, NestedMode.FLATTEN, DynamicMessage.getDefaultInstance(empty)).size()).isZero();
        Descriptor holder = empty.getFile().findMessageTypeByName("H");
        for (NestedMode mode : NestedMode.values()) {
            Row row = decode(holder, mode, build(holder, Map.of("e", DynamicMessage.getDefaultInstance(empty), "n", 1)));
            assertThat(columns(row)).containsExactly("n INTEGER");
        }

        Descriptor line = message(NESTED, "shop.Order.Line");
        assertThat(values(decode(line, NestedMode.FLATTEN, build(line, Map.of("sku", "S", "n", 2))))).containsExactly("S", 2);
    }

    @Test
    void corruptPayloadsAreDecodeErrorsThatSayWhatIsWrong() throws Exception {
        Descriptor d = message(NESTED, "shop.Order");
        byte[] good = order(d).toByteArray();
        ProtobufRowReader reader = new ProtobufRowReader(d, NestedMode.FLATTEN, "__");
        assertThatThrownBy(() -> reader.read(good, 0, good.length - 3, new Row())).isInstanceOf(DecodeException.class)
                .hasMessage("corrupt Protobuf payload for message shop.Order (" + (good.length - 3) + " bytes): while parsing a"
                        + " protocol message, the input ended unexpectedly in the middle of a field");
        byte[] zeroTag = {0, 0};
        assertThatThrownBy(() -> reader.read(zeroTag, 0, 2, new Row())).isInstanceOf(DecodeException.class)
                .hasMessage("corrupt Protobuf payload for message shop.Order (2 bytes): protocol message contained an invalid"
                        + " tag (zero)");
        byte[] wrongWireType = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}; // id: length 2^32-1
        assertThatThrownBy(() -> reader.read(wrongWireType, 0, wrongWireType.length, new Row()))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("corrupt Protobuf payload for message shop.Order");
    }

    // ---- the decoder: local schema files, framing, registry failures

    @TempDir
    Path dir;

    @Test
    void aLocalProtoFileWithImportsPlainAndFramed() throws Exception {
        Files.createDirectories(dir.resolve("common"));
        Files.writeString(dir.resolve("common/money.proto"),
                "syntax = \"proto3\"; package common; message Money { int64 units = 1; string currency = 2; }");
        Path file = dir.resolve("pay.proto");
        Files.writeString(file, """
                syntax = "proto3";
                package shop;
                import "common/money.proto";
                message Payment { string id = 1; common.Money total = 2; }
                """);
        ProtobufDecoder plain = ProtobufDecoder.withSchemaFile(file, Optional.empty(), false, NestedMode.FLATTEN, "__");
        Descriptor d = ProtoSchemas.fromProtoFile(file).findMessageTypeByName("Payment");
        Descriptor money = d.findFieldByName("total").getMessageType();
        byte[] payload = build(d, Map.of("id", "p1", "total", build(money, Map.of("units", 5L, "currency", "EUR")))).toByteArray();
        Row row = new Row();
        plain.decode(payload, row);
        assertThat(columns(row)).containsExactly("id VARCHAR", "total__units BIGINT", "total__currency VARCHAR");
        assertThat(values(row)).containsExactly("p1", 5L, "EUR");

        // framed payloads: the schema id and message indexes are skipped, message_type decides
        ProtobufDecoder framed = ProtobufDecoder.withSchemaFile(file, Optional.of("Payment"), true, NestedMode.FLATTEN, "__");
        Row f = new Row();
        framed.decode(WireFormat.frame(77, MessageIndexes.encode(new int[] {3, 1}), payload), f);
        assertThat(values(f)).containsExactly("p1", 5L, "EUR");
        assertThatThrownBy(() -> framed.decode(payload, new Row())).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("value does not start with the schema registry's magic byte 0 but with 0x0a");
    }

    @Test
    void messageTypeIsNeededWhenTheFileHasSeveralMessages() throws Exception {
        Path file = dir.resolve("two.proto");
        Files.writeString(file, NESTED + "message Other { int32 x = 1; }");
        assertThatThrownBy(() -> ProtobufDecoder.withSchemaFile(file, Optional.empty(), false, NestedMode.FLATTEN, "__"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Protobuf schema file " + file + " defines 2 top-level messages (shop.Order, shop.Other); set"
                        + " message_type to the one the values hold");
        assertThatThrownBy(() -> ProtobufDecoder.withSchemaFile(file, Optional.of("Nope"), false, NestedMode.FLATTEN, "__"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message_type: message \"Nope\" not found in two.proto; available messages: shop.Order,"
                        + " shop.Order.Address, shop.Order.Geo, shop.Order.Line, shop.Other");
        ProtobufDecoder line = ProtobufDecoder.withSchemaFile(file, Optional.of("shop.Order.Line"), false, NestedMode.FLATTEN, "__");
        Descriptor l = message(NESTED, "shop.Order.Line");
        Row row = new Row();
        line.decode(build(l, Map.of("sku", "z")).toByteArray(), row);
        assertThat(values(row)).containsExactly("z", 0);

        Path broken = dir.resolve("broken.proto");
        Files.writeString(broken, "syntax = \"proto3\"; message B { int32 x = 1 }");
        assertThatThrownBy(() -> ProtobufDecoder.withSchemaFile(broken, Optional.empty(), false, NestedMode.FLATTEN, "__"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Protobuf schema file " + broken + " is not a valid schema: broken.proto:1:");
    }

    @Test
    void aDescriptorSetPicksTheMessageOfTheFileItWasCompiledFor() throws Exception {
        FileDescriptor money = ProtoSchemas.fromProtoText("common/money.proto",
                "syntax = \"proto3\"; package common; message Money { int64 units = 1; }", n -> Optional.empty());
        FileDescriptor pay = ProtoSchemas.fromProtoText("pay.proto", """
                syntax = "proto3";
                import "common/money.proto";
                import "google/protobuf/timestamp.proto";
                message Payment { common.Money total = 1; google.protobuf.Timestamp at = 2; }
                """, n -> n.equals("common/money.proto") ? Optional.of(
                "syntax = \"proto3\"; package common; message Money { int64 units = 1; }") : Optional.empty());
        Path set = dir.resolve("pay.desc");
        Files.write(set, FileDescriptorSet.newBuilder().addFile(money.toProto()).addFile(pay.toProto()).build().toByteArray());
        ProtobufDecoder decoder = ProtobufDecoder.withSchemaFile(set, Optional.empty(), false, NestedMode.STRUCT, "__");
        Descriptor d = pay.findMessageTypeByName("Payment");
        Row row = new Row();
        decoder.decode(build(d, Map.of("total", build(money.findMessageTypeByName("Money"), Map.of("units", 9L)),
                "at", Timestamp.newBuilder().setSeconds(60).build())).toByteArray(), row);
        assertThat(columns(row)).containsExactly("total STRUCT(units BIGINT)", "at TIMESTAMP");
        assertThat(values(row)).containsExactly(Map.of("units", 9L), Instant.ofEpochSecond(60));

        Path other = dir.resolve("schema.txt");
        Files.writeString(other, "x");
        assertThatThrownBy(() -> ProtobufDecoder.withSchemaFile(other, Optional.empty(), false, NestedMode.STRUCT, "__"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Protobuf schema file " + other + " is neither a .proto file nor a descriptor set (.desc, .pb, .protoset)");
    }

    @Test
    void anUnreachableRegistryIsNotARecordError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RegistrySpec spec = RegistrySpec.of("http://127.0.0.1:" + port);
        ProtobufDecoder decoder = ProtobufDecoder.withRegistry(new SchemaRegistryClient(
                new RegistrySpec(spec.urls(), spec.username(), spec.password(), spec.bearerToken(), spec.caFile(),
                        spec.timeout(), 0)), NestedMode.FLATTEN, "__");
        byte[] value = WireFormat.frame(12, new byte[] {0}, new byte[0]);
        assertThatThrownBy(() -> decoder.decode(value, new Row())).isInstanceOf(SchemaUnavailableException.class)
                .hasMessageStartingWith("cannot fetch Protobuf schema id 12: schema registry http://127.0.0.1:" + port
                        + " is unavailable for schema id 12 after 1 attempt");
    }

    // ---- helpers

    static Descriptor message(String proto, String name) throws ProtoSchemaException {
        FileDescriptor f = ProtoSchemas.fromProtoText("test.proto", proto, n -> Optional.empty());
        return ProtoSchemas.findMessage(List.of(f), name);
    }

    /** A message with the given fields: enums by name or number, repeated fields as lists, maps as maps. */
    static DynamicMessage build(Descriptor d, Map<String, Object> fields) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        for (FieldDescriptor fd : d.getFields()) {
            if (!fields.containsKey(fd.getName())) {
                continue;
            }
            Object v = fields.get(fd.getName());
            if (fd.isMapField()) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    b.addRepeatedField(fd, entry(d, fd.getName(), e.getKey(), e.getValue()));
                }
            } else if (fd.isRepeated()) {
                for (Object o : (List<?>) v) {
                    b.addRepeatedField(fd, scalar(fd, o));
                }
            } else {
                b.setField(fd, scalar(fd, v));
            }
        }
        return b.build();
    }

    private static Object scalar(FieldDescriptor fd, Object v) {
        if (fd.getJavaType() == FieldDescriptor.JavaType.ENUM && v instanceof String name) {
            return fd.getEnumType().findValueByName(name);
        }
        if (fd.getJavaType() == FieldDescriptor.JavaType.ENUM && v instanceof Integer n) {
            return fd.getEnumType().findValueByNumberCreatingIfUnknown(n);
        }
        return v;
    }

    static DynamicMessage entry(Descriptor d, String field, Object key, Object value) {
        Descriptor e = d.findFieldByName(field).getMessageType();
        return DynamicMessage.newBuilder(e).setField(e.findFieldByNumber(1), key)
                .setField(e.findFieldByNumber(2), scalar(e.findFieldByNumber(2), value)).build();
    }

    private static DynamicMessage order(Descriptor d) {
        Descriptor line = d.findNestedTypeByName("Line");
        Descriptor address = d.findNestedTypeByName("Address");
        Descriptor geo = d.findNestedTypeByName("Geo");
        return build(d, Map.of("id", "o1",
                "ship", build(address, Map.of("city", "Lyon", "geo", build(geo, Map.of("lat", 45.75, "lon", 4.85)))),
                "lines", List.of(build(line, Map.of("sku", "A", "n", 1)), build(line, Map.of("sku", "B")))));
    }

    static Row decode(Descriptor d, NestedMode mode, Message m) throws DecodeException {
        return decode(new ProtobufRowReader(d, mode, "__"), m);
    }

    static Row decode(ProtobufRowReader reader, Message m) throws DecodeException {
        byte[] bytes = m.toByteArray();
        byte[] padded = new byte[bytes.length + 6];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        Row row = new Row();
        reader.read(padded, 3, bytes.length, row);
        return row;
    }

    /** "name TYPE" per field, types spelled like DuckDB's (without spaces after commas in MAP and DECIMAL). */
    static List<String> columns(Row row) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            out.add(row.name(i) + " " + sql(row.type(i)));
        }
        return out;
    }

    private static String sql(DataType t) {
        if (t instanceof DataType.Struct s) {
            StringBuilder b = new StringBuilder("STRUCT(");
            for (int i = 0; i < s.fields().size(); i++) {
                Field f = s.fields().get(i);
                b.append(i > 0 ? ", " : "").append(f.name()).append(' ').append(sql(f.type()));
            }
            return b.append(')').toString();
        }
        if (t instanceof Decimal d) {
            return "DECIMAL(" + d.precision() + "," + d.scale() + ")";
        }
        if (t instanceof ListOf l) {
            return sql(l.element()) + "[]";
        }
        if (t instanceof MapOf m) {
            return "MAP(" + sql(m.key()) + "," + sql(m.value()) + ")";
        }
        return ((Scalar) t).name();
    }

    static List<Object> values(Row row) {
        List<Object> out = new java.util.ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            out.add(row.value(i));
        }
        return out;
    }

    static Map<String, Object> row(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.value(i));
        }
        return out;
    }

    static Map<String, DataType> types(Row row) {
        Map<String, DataType> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.type(i));
        }
        return out;
    }

    static Object value(Row row, String name) {
        return row(row).get(name);
    }
}
