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
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtoSchemasTest {
    private static FileDescriptor load(String name) throws ProtoSchemaException {
        return ProtoSchemas.fromProtoText(name, Protoc.text(name), Protoc.resources());
    }

    private static FileDescriptor inline(String text, Map<String, String> imports) throws ProtoSchemaException {
        return ProtoSchemas.fromProtoText("test.proto", text, name -> Optional.ofNullable(imports.get(name)));
    }

    @Test
    void proto3FileWithImportsBuildsAndRoundTripsAMessage() throws Exception {
        FileDescriptor file = load("orders.proto");
        Descriptor order = ProtoSchemas.findMessage(List.of(file), "shop.orders.Order");
        Descriptor line = order.findNestedTypeByName("Line");
        Descriptor money = line.findFieldByName("unit_price").getMessageType();
        assertThat(money.getFullName()).isEqualTo("shop.common.Money");
        assertThat(order.findFieldByName("total").getMessageType()).isSameAs(money);
        assertThat(order.findFieldByName("order_id").getJsonName()).isEqualTo("id");
        assertThat(order.findFieldByName("delivery_window").getJsonName()).isEqualTo("deliveryWindow");
        assertThat(order.findFieldByName("placed_at").getMessageType()).isSameAs(Timestamp.getDescriptor());
        assertThat(order.findFieldByName("attributes").isMapField()).isTrue();
        FieldDescriptor note = order.findFieldByName("note");
        assertThat(note.hasPresence()).isTrue();
        assertThat(note.getRealContainingOneof()).isNull();
        assertThat(note.getContainingOneof().getName()).isEqualTo("_note");
        assertThat(order.findFieldByName("_priority").getContainingOneof().getName()).isEqualTo("X_priority");
        assertThat(order.findFieldByName("iban").getRealContainingOneof().getName()).isEqualTo("payment");
        assertThat(order.findFieldByName("scores").isPacked()).isFalse();
        assertThat(file.getOptions().getJavaPackage()).isEqualTo("io.sluice.test.orders");
        assertThat(file.findServiceByName("OrderService").findMethodByName("Watch").isServerStreaming()).isTrue();

        EnumDescriptor status = order.findEnumTypeByName("Status");
        EnumDescriptor currency = money.findFieldByName("currency").getEnumType();
        Descriptor linesByNumber = order.findFieldByName("lines_by_number").getMessageType();
        DynamicMessage lineMsg = DynamicMessage.newBuilder(line)
                .setField(line.findFieldByName("sku"), "SKU-1")
                .setField(line.findFieldByName("quantity"), 3)
                .setField(line.findFieldByName("unit_price"), DynamicMessage.newBuilder(money)
                        .setField(money.findFieldByName("currency"), currency.findValueByName("EUR"))
                        .setField(money.findFieldByName("units"), 12L).build())
                .addRepeatedField(line.findFieldByName("tags"), "red")
                .build();
        DynamicMessage msg = DynamicMessage.newBuilder(order)
                .setField(order.findFieldByName("order_id"), "o-1")
                .setField(order.findFieldByName("status"), status.findValueByName("SHIPPED"))
                .addRepeatedField(order.findFieldByName("lines"), lineMsg)
                .addRepeatedField(order.findFieldByName("lines_by_number"), DynamicMessage.newBuilder(linesByNumber)
                        .setField(linesByNumber.findFieldByName("key"), 7)
                        .setField(linesByNumber.findFieldByName("value"), lineMsg).build())
                .setField(order.findFieldByName("placed_at"), Timestamp.newBuilder().setSeconds(1_700_000_000).build())
                .setField(order.findFieldByName("coupon"), StringValue.of("SAVE10"))
                .setField(order.findFieldByName("note"), "")
                .setField(order.findFieldByName("iban"), "DE00")
                .setField(order.findFieldByName("signature"), ByteString.copyFromUtf8("sig"))
                .setField(order.findFieldByName("delta"), -5)
                .setField(order.findFieldByName("customer_number"), -1L)
                .build();

        DynamicMessage back = DynamicMessage.parseFrom(order, msg.toByteArray());

        assertThat(back).isEqualTo(msg);
        assertThat(back.hasField(order.findFieldByName("note"))).isTrue();
        assertThat(back.getField(order.findFieldByName("iban"))).isEqualTo("DE00");
        assertThat(back.getField(order.findFieldByName("delta"))).isEqualTo(-5);
    }

    @Test
    void proto2DefaultsRequiredFieldsAndExtensions() throws Exception {
        FileDescriptor file = load("legacy.proto");
        Descriptor record = ProtoSchemas.findMessage(List.of(file), "Record");

        assertThat(record.findFieldByName("name").getDefaultValue()).isEqualTo("unnamed \"x\"\t\u00e9");
        assertThat(record.findFieldByName("small").getDefaultValue()).isEqualTo(-42);
        assertThat(record.findFieldByName("hex").getDefaultValue()).isEqualTo(127);
        assertThat(record.findFieldByName("octal").getDefaultValue()).isEqualTo(15);
        assertThat(record.findFieldByName("huge").getDefaultValue()).isEqualTo(-1L);
        assertThat(record.findFieldByName("pos_inf").getDefaultValue()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(record.findFieldByName("neg_inf").getDefaultValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat((Float) record.findFieldByName("not_a_number").getDefaultValue()).isNaN();
        assertThat(record.findFieldByName("raw").getDefaultValue())
                .isEqualTo(ByteString.copyFrom(new byte[] {0, 1, 'a', 'b', (byte) 0xFF, '\n', 't', 'a', 'i', 'l'}));
        assertThat(record.findFieldByName("kind").getDefaultValue().toString()).isEqualTo("KIND_A");
        assertThat(record.findFieldByName("level").getDefaultValue().toString()).isEqualTo("HIGH");
        assertThat(record.findFieldByName("packed_numbers").isPacked()).isTrue();
        assertThat(record.findFieldByName("unpacked").isPacked()).isFalse();
        assertThat(record.findFieldByName("id").isRequired()).isTrue();
        assertThat(record.findFieldByName("with_json").getJsonName()).isEqualTo("customJson");
        assertThat(file.getExtensions()).extracting(FieldDescriptor::getName).containsExactly("annotation", "marks");
        assertThat(file.findMessageTypeByName("Holder").getExtensions().get(0).getContainingType()).isSameAs(record);

        FieldDescriptor id = record.findFieldByName("id");
        DynamicMessage msg = DynamicMessage.newBuilder(record).setField(id, 42L)
                .setField(record.findFieldByName("kind"), file.findEnumTypeByName("Kind").findValueByNumber(-2))
                .setField(file.getExtensions().get(0), "note").build();
        DynamicMessage back = DynamicMessage.parseFrom(record, msg.toByteArray());
        assertThat(back.getField(id)).isEqualTo(42L);
        assertThat(back.getField(record.findFieldByName("name"))).isEqualTo("unnamed \"x\"\t\u00e9");
        assertThat(DynamicMessage.newBuilder(record).buildPartial().isInitialized()).isFalse();
    }

    @Test
    void typeNamesResolveFromTheInnermostScopeOutwards() throws Exception {
        Descriptor outer = ProtoSchemas.findMessage(List.of(load("scopes.proto")), "a.b.Outer");
        assertThat(outer.findFieldByName("f1").getMessageType().getFullName()).isEqualTo("a.b.Outer.Foo");
        assertThat(outer.findFieldByName("f2").getMessageType().getFullName()).isEqualTo("a.b.Foo");
        assertThat(outer.findFieldByName("f3").getMessageType().getFullName()).isEqualTo("a.b.Foo");
        assertThat(outer.findFieldByName("f4").getMessageType().getFullName()).isEqualTo("a.b.Outer.Inner.Deep");
        assertThat(outer.findFieldByName("f5").getMessageType().getFullName()).isEqualTo("a.b.Foo");
        assertThat(outer.findFieldByName("money").getMessageType().getFullName()).isEqualTo("shop.common.Money");
        assertThat(outer.findFieldByName("kind").getEnumType().getFullName()).isEqualTo("a.b.Outer.Kind");
        assertThat(outer.findNestedTypeByName("Inner").findFieldByName("inner_foo").getMessageType().getFullName())
                .isEqualTo("a.b.Outer.Foo");
        assertThat(outer.findFieldByName("snake_case_name_2x").getJsonName()).isEqualTo("snakeCaseName2x");
    }

    @Test
    void publicImportsAreVisibleToImportersButPlainImportsAreNot() throws Exception {
        FileDescriptor viaPublic = inline("""
                syntax = "proto3";
                import "scopes.proto";
                message UsesMoney { shop.common.Money m = 1; a.b.Foo foo = 2; }
                """, Map.of("scopes.proto", Protoc.text("scopes.proto"),
                "common/money.proto", Protoc.text("common/money.proto")));
        assertThat(viaPublic.findMessageTypeByName("UsesMoney").findFieldByName("m").getMessageType().getFullName())
                .isEqualTo("shop.common.Money");

        assertThatThrownBy(() -> ProtoSchemas.fromProtoText("test.proto", """
                syntax = "proto3";
                import "orders.proto";
                message UsesMoney { shop.common.Money m = 1; }
                """, Protoc.resources()))
                .isInstanceOf(ProtoSchemaException.class)
                .hasMessage("test.proto:3:21: unknown type \"shop.common.Money\" in scope UsesMoney (looked for "
                        + "UsesMoney.shop.common.Money, shop.common.Money)");
    }

    @Test
    void resolverIsAskedOncePerImportAndNeverForWellKnownFiles() throws Exception {
        List<String> asked = new ArrayList<>();
        String base = "syntax = \"proto3\"; package p; message Base { int32 x = 1; }";
        String left = "syntax = \"proto3\"; package p; import \"base.proto\"; message L { Base b = 1; }";
        String right = "syntax = \"proto3\"; package p; import \"base.proto\"; message R { Base b = 1; }";
        Map<String, String> files = Map.of("base.proto", base, "left.proto", left, "right.proto", right);
        FileDescriptor file = ProtoSchemas.fromProtoText("main.proto", """
                syntax = "proto3";
                package p;
                import "left.proto";
                import "right.proto";
                import "google/protobuf/any.proto";
                import "google/protobuf/empty.proto";
                import "google/protobuf/struct.proto";
                import "google/protobuf/field_mask.proto";
                message Main { L l = 1; R r = 2; google.protobuf.Any any = 3; google.protobuf.Struct s = 4; }
                """, name -> {
                    asked.add(name);
                    return Optional.ofNullable(files.get(name));
                });
        assertThat(asked).containsExactly("left.proto", "base.proto", "right.proto");
        Descriptor main = file.findMessageTypeByName("Main");
        assertThat(main.findFieldByName("l").getMessageType().findFieldByName("b").getMessageType())
                .isSameAs(main.findFieldByName("r").getMessageType().findFieldByName("b").getMessageType());
    }

    @Test
    void commentsStringsAndNumberLiterals() throws Exception {
        FileDescriptor file = inline("""
                // leading comment
                syntax /* inline */ = "proto2" ;
                package /* a */ lit . ns;
                option java_package = "io." 'sluice' ".lit"; // adjacent strings are joined
                option (my.custom).opt = { a: 1 nested { b: "}" } };
                message M {
                  /* multi
                     line */ optional int32 hex = 0x10 [(custom) = -inf, default = -0x10];
                  optional int32 oct = 010;
                  optional double d = 3 [default = .5e1];
                  optional string s = 4 [default = "tab\\there\\x41\\101"];
                  optional .lit.ns.M self = 5;
                  ;
                }
                """, Map.of());
        Descriptor m = file.findMessageTypeByName("M");
        assertThat(file.getOptions().getJavaPackage()).isEqualTo("io.sluice.lit");
        assertThat(m.findFieldByNumber(16).getName()).isEqualTo("hex");
        assertThat(m.findFieldByNumber(16).getDefaultValue()).isEqualTo(-16);
        assertThat(m.findFieldByNumber(8).getName()).isEqualTo("oct");
        assertThat(m.findFieldByName("d").getDefaultValue()).isEqualTo(5.0);
        assertThat(m.findFieldByName("s").getDefaultValue()).isEqualTo("tab\there" + "AA");
        assertThat(m.findFieldByName("self").getMessageType()).isSameAs(m);
    }

    @Test
    void descriptorSetBuildsTheSameMessages() throws Exception {
        FileDescriptor orders = load("orders.proto");
        FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
        Set<FileDescriptor> all = new LinkedHashSet<>();
        collect(orders, all);
        all.forEach(f -> set.addFile(f.toProto()));

        List<FileDescriptor> files = ProtoSchemas.fromDescriptorSet(set.build().toByteArray());

        assertThat(files).extracting(FileDescriptor::getName).containsExactlyElementsOf(
                all.stream().map(FileDescriptor::getName).toList());
        assertThat(files.stream().filter(f -> f.getName().equals("google/protobuf/timestamp.proto")).findFirst())
                .contains(Timestamp.getDescriptor().getFile());
        Descriptor order = ProtoSchemas.findMessage(files, "Order");
        assertThat(order.toProto()).isEqualTo(orders.findMessageTypeByName("Order").toProto());
        DynamicMessage msg = DynamicMessage.newBuilder(order).setField(order.findFieldByName("order_id"), "x").build();
        assertThat(DynamicMessage.parseFrom(order, msg.toByteArray())).isEqualTo(msg);
    }

    private static void collect(FileDescriptor f, Set<FileDescriptor> out) {
        for (FileDescriptor dep : f.getDependencies()) {
            collect(dep, out);
        }
        out.add(f);
    }

    @Test
    void descriptorSetErrors() throws Exception {
        assertThatThrownBy(() -> ProtoSchemas.fromDescriptorSet(new byte[] {(byte) 0xFF, 1, 2}))
                .isInstanceOf(ProtoSchemaException.class)
                .hasMessageStartingWith("descriptor set: not a serialized FileDescriptorSet: ");
        FileDescriptorSet onlyOrders = FileDescriptorSet.newBuilder().addFile(load("orders.proto").toProto()).build();
        assertThatThrownBy(() -> ProtoSchemas.fromDescriptorSet(onlyOrders.toByteArray()))
                .hasMessage("descriptor set: orders.proto imports common/money.proto, which is not in the set "
                        + "(compile with protoc --include_imports)");
        assertThatThrownBy(() -> ProtoSchemas.fromDescriptorSet(new byte[0]))
                .hasMessage("descriptor set: contains no files");
    }

    @Test
    void findMessageBySimpleOrFullNameWithHelpfulErrors() throws Exception {
        FileDescriptor orders = load("orders.proto");
        assertThat(ProtoSchemas.findMessage(List.of(orders), "Line").getFullName()).isEqualTo("shop.orders.Order.Line");
        assertThat(ProtoSchemas.findMessage(List.of(orders), ".shop.orders.OrderRequest").getName())
                .isEqualTo("OrderRequest");
        assertThat(ProtoSchemas.findMessage(List.of(orders), "shop.common.Money").getFile().getName())
                .isEqualTo("common/money.proto");
        assertThatThrownBy(() -> ProtoSchemas.findMessage(List.of(orders), "Invoice"))
                .isInstanceOf(ProtoSchemaException.class)
                .hasMessage("message \"Invoice\" not found in orders.proto; available messages: shop.orders.Order, "
                        + "shop.orders.Order.Line, shop.orders.OrderRequest");
        FileDescriptor scopes = load("scopes.proto");
        assertThatThrownBy(() -> ProtoSchemas.findMessage(List.of(scopes), "Foo"))
                .hasMessage("message name \"Foo\" is ambiguous: a.b.Foo, a.b.Outer.Foo; use the full name");
    }

    @Test
    void protoFileOnDiskWithImportsRelativeToItsDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("common"));
        Files.writeString(dir.resolve("common/money.proto"), Protoc.text("common/money.proto"));
        Files.writeString(dir.resolve("orders.proto"), Protoc.text("orders.proto"));
        FileDescriptor file = ProtoSchemas.fromProtoFile(dir.resolve("orders.proto"));
        assertThat(file.getDependencies()).extracting(FileDescriptor::getName)
                .containsExactly("common/money.proto", "google/protobuf/timestamp.proto",
                        "google/protobuf/wrappers.proto", "google/protobuf/duration.proto");
        assertThatThrownBy(() -> ProtoSchemas.fromProtoFile(dir.resolve("missing.proto")))
                .isInstanceOf(ProtoSchemaException.class)
                .hasMessageContaining("missing.proto: cannot read: ");
    }
}
