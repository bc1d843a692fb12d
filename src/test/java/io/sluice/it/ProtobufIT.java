package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.format.WireFormat;
import io.sluice.format.protobuf.MessageIndexes;
import io.sluice.format.protobuf.ProtoSchemas;
import io.sluice.format.registry.SchemaReference;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.RegistrySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protobuf through the dev Schema Registry into DuckDB: the README's type table, references between registered
 * schemas, message indexes that pick a second or nested message, writer schemas that change mid-batch, keys, a
 * local .proto file and bad payloads. Payloads are written with protobuf-java's {@link DynamicMessage}.
 */
class ProtobufIT {
    @TempDir
    Path dir;

    private DevSchemaRegistry registry;
    private SchemaRegistryClient client;

    @BeforeEach
    void startRegistry() {
        registry = DevSchemaRegistry.start(dir.resolve("registry"), 0);
        client = new SchemaRegistryClient(RegistrySpec.of(registry.url()));
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    static final String MONEY = """
            syntax = "proto3";
            package common;
            message Money { int64 units = 1; string currency = 2; }
            """;

    static final String ORDERS = """
            syntax = "proto3";
            package shop;
            import "common/money.proto";
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/duration.proto";
            import "google/protobuf/wrappers.proto";
            import "google/protobuf/struct.proto";
            message Header { string source = 1; }
            message Order {
              enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
              message Line { string sku = 1; uint32 qty = 2; common.Money price = 3; }
              int64 id = 1;
              int32 small = 2;
              sint32 delta = 3;
              uint32 count = 4;
              uint64 big = 5;
              fixed64 fx = 6;
              float ratio = 7;
              double score = 8;
              bool ok = 9;
              string note = 10;
              bytes raw = 11;
              Status status = 12;
              optional string coupon = 13;
              repeated string tags = 14;
              map<string, int64> attrs = 15;
              repeated Line lines = 16;
              common.Money total = 17;
              google.protobuf.Timestamp placed_at = 18;
              google.protobuf.Int32Value priority = 19;
              google.protobuf.Duration wait = 20;
              google.protobuf.Struct extra = 21;
              oneof payment { string iban = 22; string card = 23; }
            }
            """;

    @Test
    void everyProtobufTypeLandsWithItsDuckDbTypeAndValue() throws Exception {
        String topic = Sluice.unique("proto-types");
        String lines = Sluice.unique("proto-lines");
        TestBroker.createTopic(topic, 1);
        TestBroker.createTopic(lines, 1);
        client.register("common/money.proto", SchemaType.PROTOBUF, MONEY, List.of());
        int id = client.register(topic + "-value", SchemaType.PROTOBUF, ORDERS,
                List.of(new SchemaReference("common/money.proto", "common/money.proto", 1)));
        FileDescriptor file = ProtoSchemas.fromProtoText("shop/order.proto", ORDERS,
                n -> n.equals("common/money.proto") ? Optional.of(MONEY) : Optional.empty());
        Descriptor order = file.findMessageTypeByName("Order");
        Descriptor line = order.findNestedTypeByName("Line");
        Descriptor money = line.findFieldByName("price").getMessageType();
        DynamicMessage price = message(money, "units", 250L, "currency", "EUR");
        AvroIT.produce(topic, 3, i -> {
            DynamicMessage.Builder b = DynamicMessage.newBuilder(order);
            set(b, "id", 1000L + i);
            set(b, "small", -i);
            set(b, "delta", -2 * i);
            set(b, "count", -1); // uint32 4294967295
            set(b, "big", i == 0 ? -1L : (long) i); // uint64 18446744073709551615
            set(b, "fx", Long.MIN_VALUE); // fixed64 9223372036854775808
            set(b, "ratio", 0.5f);
            set(b, "score", 1.25 * i);
            set(b, "ok", i % 2 == 0);
            set(b, "note", i == 1 ? "" : "n" + i);
            set(b, "raw", ByteString.copyFrom(new byte[] {1, 2, (byte) i}));
            b.setField(order.findFieldByName("status"), order.findEnumTypeByName("Status")
                    .findValueByNumberCreatingIfUnknown(i == 2 ? 9 : 1));
            if (i != 1) {
                set(b, "coupon", "C" + i);
                set(b, "total", message(money, "units", 100L * i, "currency", "USD"));
                set(b, "placed_at", Timestamp.newBuilder().setSeconds(1_767_225_600L).setNanos(123_456_000).build());
                set(b, "priority", Int32Value.of(i));
                set(b, "wait", com.google.protobuf.Duration.newBuilder().setSeconds(90).setNanos(500_000).build());
                set(b, "extra", Struct.newBuilder().putFields("k", Value.newBuilder().setNumberValue(i).build()).build());
                set(b, "iban", "DE" + i);
            } else {
                set(b, "card", "4242");
            }
            b.addRepeatedField(order.findFieldByName("tags"), "a");
            b.addRepeatedField(order.findFieldByName("tags"), "b" + i);
            Descriptor entry = order.findFieldByName("attrs").getMessageType();
            b.addRepeatedField(order.findFieldByName("attrs"), message(entry, "key", "k", "value", (long) i));
            b.addRepeatedField(order.findFieldByName("lines"), message(line, "sku", "S" + i, "qty", i, "price", price));
            return framed(id, new int[] {1}, b.build());
        });
        AvroIT.produce(lines, 2, i -> framed(id, new int[] {1, 0}, message(line, "sku", "L" + i, "qty", 10 + i, "price", price)));

        Path m = Sluice.manifest(dir, manifest("types", "topics: [" + topic + ", " + lines + "]",
                "message_format: protobuf, schema_registry_url: \"" + registry.url() + "\"", "{topic}"));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        String t = topic.replace('-', '_');
        assertThat(columns(t)).containsExactly("id BIGINT", "small INTEGER", "delta INTEGER", "count BIGINT",
                "big DECIMAL(20,0)", "fx DECIMAL(20,0)", "ratio FLOAT", "score DOUBLE", "ok BOOLEAN", "note VARCHAR", "raw BLOB",
                "status VARCHAR", "coupon VARCHAR", "tags VARCHAR[]", "attrs MAP(VARCHAR, BIGINT)",
                "lines STRUCT(sku VARCHAR, qty BIGINT, price STRUCT(units BIGINT, currency VARCHAR))[]",
                "total__units BIGINT", "total__currency VARCHAR", "placed_at TIMESTAMP", "priority INTEGER", "wait BIGINT",
                "extra JSON", "iban VARCHAR", "card VARCHAR");
        List<List<Object>> rows = Sluice.query(db(), "select id, small, delta, count, big::VARCHAR, fx::VARCHAR, ratio, score, ok,"
                + " note, hex(raw), status, coupon, tags::VARCHAR, attrs::VARCHAR, lines::VARCHAR, total__units, total__currency,"
                + " placed_at::VARCHAR, priority, wait, extra::VARCHAR, iban, card from " + t + " order by id");
        assertThat(rows.get(0)).containsExactly(1000L, 0, 0, 4_294_967_295L, "18446744073709551615", "9223372036854775808",
                0.5f, 0.0, true, "n0", "010200", "PAID", "C0", "[a, b0]", "{k=0}",
                "[{'sku': S0, 'qty': 0, 'price': {'units': 250, 'currency': EUR}}]", 0L, "USD", "2026-01-01 00:00:00.123456",
                0, 90_000_500L, "{\"k\":0.0}", "DE0", null);
        assertThat(rows.get(1)).containsExactly(1001L, -1, -2, 4_294_967_295L, "1", "9223372036854775808",
                0.5f, 1.25, false, "", "010201", "PAID", null, "[a, b1]", "{k=1}",
                "[{'sku': S1, 'qty': 1, 'price': {'units': 250, 'currency': EUR}}]", null, null, null,
                null, null, null, null, "4242");
        assertThat(rows.get(2).get(11)).isEqualTo("9"); // an enum number the schema does not know

        String l = lines.replace('-', '_');
        assertThat(columns(l)).containsExactly("sku VARCHAR", "qty BIGINT", "price__units BIGINT", "price__currency VARCHAR");
        assertThat(Sluice.query(db(), "select sku, qty, price__units, price__currency from " + l + " order by sku"))
                .containsExactly(List.of("L0", 10L, 250L, "EUR"), List.of("L1", 11L, 250L, "EUR"));
    }

    @Test
    void aWriterSchemaThatChangesMidBatchAddsAColumn() throws Exception {
        String topic = Sluice.unique("proto-evolve");
        TestBroker.createTopic(topic, 1);
        String v1 = "syntax = \"proto3\"; package ev; message E { int64 id = 1; string s = 2; }";
        String v2 = "syntax = \"proto3\"; package ev; message E { int64 id = 1; string s = 2; repeated int32 extra = 3; }";
        int id1 = client.register(topic + "-value", SchemaType.PROTOBUF, v1, List.of());
        int id2 = client.register(topic + "-value", SchemaType.PROTOBUF, v2, List.of());
        assertThat(id2).isNotEqualTo(id1);
        Descriptor e1 = descriptor(v1, "ev.E");
        Descriptor e2 = descriptor(v2, "ev.E");
        AvroIT.produce(topic, 4, i -> i % 2 == 0
                ? framed(id1, new int[] {0}, message(e1, "id", (long) i, "s", "a" + i))
                : framed(id2, new int[] {0}, message(e2, "id", (long) i, "s", "b" + i, "extra", List.of(i, 7))));
        Path m = Sluice.manifest(dir, manifest("evolve", "topics: [" + topic + "]", "message_format: protobuf, batch_size: 100,"
                + " schema_registry_url: \"" + registry.url() + "\"", "t"));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(columns("t")).containsExactly("id BIGINT", "s VARCHAR", "extra INTEGER[]");
        assertThat(Sluice.query(db(), "select id, s, extra::VARCHAR from t order by _kafka_offset")).containsExactly(
                Arrays.asList(0L, "a0", null), List.of(1L, "b1", "[1, 7]"), Arrays.asList(2L, "a2", null),
                List.of(3L, "b3", "[3, 7]"));
    }

    @Test
    void protobufKeysAndALocalProtoFileWithPlainValues() throws Exception {
        String topic = Sluice.unique("proto-local");
        TestBroker.createTopic(topic, 1);
        String keyText = "syntax = \"proto3\"; package k; message Key { string customer = 1; uint32 region = 2; }";
        int keyId = client.register(topic + "-key", SchemaType.PROTOBUF, keyText, List.of());
        Descriptor key = descriptor(keyText, "k.Key");
        Files.createDirectories(dir.resolve("protos/common"));
        Files.writeString(dir.resolve("protos/common/money.proto"), MONEY);
        String payment = """
                syntax = "proto3";
                package shop;
                import "common/money.proto";
                message Payment { string id = 1; common.Money total = 2; }
                message Refund { string id = 1; }
                """;
        Files.writeString(dir.resolve("protos/payment.proto"), payment);
        Descriptor pay = ProtoSchemas.fromProtoText("payment.proto", payment,
                n -> n.equals("common/money.proto") ? Optional.of(MONEY) : Optional.empty()).findMessageTypeByName("Payment");
        Descriptor money = pay.findFieldByName("total").getMessageType();
        try (KafkaProducer<byte[], byte[]> producer = AvroIT.bytesProducer()) {
            for (int i = 0; i < 2; i++) {
                byte[] k = framed(keyId, new int[] {0}, message(key, "customer", "c" + i, "region", 40 + i));
                byte[] v = message(pay, "id", "p" + i, "total", message(money, "units", 100L * i, "currency", "EUR")).toByteArray();
                producer.send(new ProducerRecord<>(topic, 0, k, v));
            }
            producer.flush();
        }
        Path m = Sluice.manifest(dir, manifest("local", "topics: [" + topic + "]", "message_format: protobuf,"
                + " schema_file: protos/payment.proto, message_type: Payment, wire_format: plain, key_format: protobuf,"
                + " nested: struct, schema_registry_url: \"" + registry.url() + "\"", "t"));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(columns("t")).containsExactly("id VARCHAR", "total STRUCT(units BIGINT, currency VARCHAR)");
        assertThat(Sluice.query(db(), "select _kafka_key__customer, _kafka_key__region, id, total.units, total.currency from t"
                + " order by _kafka_offset")).containsExactly(List.of("c0", 40L, "p0", 0L, "EUR"), List.of("c1", 41L, "p1", 100L, "EUR"));

        Path noType = Sluice.manifest(dir, manifest("local2", "topics: [" + topic + "]", "message_format: protobuf,"
                + " schema_file: protos/payment.proto, wire_format: plain", "t2"));
        Sluice.Result ambiguous = Sluice.run(dir, Map.of(), "run", noType.toString());
        assertThat(ambiguous.exit()).as(ambiguous.toString()).isEqualTo(1);
        assertThat(ambiguous.stderr()).contains("defines 2 top-level messages (shop.Payment, shop.Refund); set message_type"
                + " to the one the values hold");
    }

    @Test
    void badPayloadsNameTheirRecordAndCanBeSkipped() throws Exception {
        String topic = Sluice.unique("proto-bad");
        TestBroker.createTopic(topic, 1);
        String text = "syntax = \"proto3\"; package b; message A { int32 x = 1; } message B { int64 id = 1; string s = 2; }";
        int id = client.register(topic + "-value", SchemaType.PROTOBUF, text, List.of());
        Descriptor b = descriptor(text, "b.B");
        byte[] good = framed(id, new int[] {1}, message(b, "id", 1L, "s", "hello"));
        List<byte[]> values = new ArrayList<>();
        values.add(good);                                                  // 0
        values.add("{\"id\": 1}".getBytes());                              // 1: no magic byte
        byte[] unknown = good.clone();
        unknown[4] = 99;                                                   // 2: unknown schema id
        values.add(unknown);
        values.add(framed(id, new int[] {5}, message(b, "id", 2L)));        // 3: no fifth message
        values.add(Arrays.copyOf(good, good.length - 3));                  // 4: truncated
        int brokenId = client.register(topic + "-broken", SchemaType.PROTOBUF, "syntax = \"proto3\"; message {", List.of());
        values.add(framed(brokenId, new int[] {0}, message(b, "id", 3L)));  // 5: a schema that does not parse
        values.add(good);                                                  // 6
        AvroIT.produce(topic, values.size(), values::get);

        String options = "message_format: protobuf, schema_registry_url: \"" + registry.url() + "\"";
        Path m = Sluice.manifest(dir, manifest("bad", "topics: [" + topic + "]", options, "t"));
        Sluice.Result r = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("decode failed for record " + topic + "/0@1: value does not start with the schema"
                + " registry's magic byte 0 but with 0x7b (it looks like plain JSON: message_format json?)");
        assertThat(Files.exists(db()) ? Sluice.queryLong(db(), "select count(*) from _sluice_offsets") : 0).isZero();

        Path skip = Sluice.manifest(dir, manifest("bad", "topics: [" + topic + "]", options + ", on_error: skip", "t"));
        Sluice.Result s = Sluice.run(dir, Map.of(), "run", skip.toString());
        assertThat(s.exit()).as(s.toString()).isZero();
        int unknownId = id + 99 - (id & 0xff);
        assertThat(s.stderr())
                .contains(topic + "/0@2: unknown schema id " + unknownId + ": ")
                .contains(topic + "/0@3: schema id " + id + ": Protobuf message index path [5]: index 5 at position 0 is out"
                        + " of range; the top level of schema-" + id + ".proto has 2 messages")
                .contains(topic + "/0@4: corrupt Protobuf payload for message b.B (" + (good.length - 3 - 7) + " bytes): while"
                        + " parsing a protocol message, the input ended unexpectedly in the middle of a field")
                .contains(topic + "/0@5: schema id " + brokenId + " from " + registry.url() + " is not a usable Protobuf schema:"
                        + " schema-" + brokenId + ".proto:1:28: expected message name, found '{'");
        assertThat(Sluice.query(db(), "select _kafka_offset, id, s from t order by 1"))
                .containsExactly(List.of(0L, 1L, "hello"), List.of(6L, 1L, "hello"));
    }

    // ---- helpers

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    private List<String> columns(String table) {
        return Sluice.query(db(), "select column_name || ' ' || data_type from information_schema.columns where table_name = '"
                + table + "' and column_name not like '\\_kafka%' escape '\\' order by ordinal_position")
                .stream().map(r -> (String) r.get(0)).toList();
    }

    private static String manifest(String name, String topics, String options, String table) {
        return Manifests.duckdb(Sluice.unique(name), topics, "{" + options + "}", table);
    }

    private static Descriptor descriptor(String text, String name) throws Exception {
        FileDescriptor f = ProtoSchemas.fromProtoText("test.proto", text, n -> Optional.empty());
        return ProtoSchemas.findMessage(List.of(f), name);
    }

    /** A message from name/value pairs; lists fill repeated fields. */
    private static DynamicMessage message(Descriptor d, Object... fields) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        for (int i = 0; i < fields.length; i += 2) {
            set(b, (String) fields[i], fields[i + 1]);
        }
        return b.build();
    }

    private static void set(DynamicMessage.Builder b, String name, Object value) {
        FieldDescriptor fd = b.getDescriptorForType().findFieldByName(name);
        if (fd == null) {
            throw new IllegalArgumentException("no field " + name + " in " + b.getDescriptorForType().getFullName());
        }
        if (value instanceof List<?> list) {
            list.forEach(v -> b.addRepeatedField(fd, v));
        } else {
            b.setField(fd, value);
        }
    }

    private static byte[] framed(int id, int[] indexes, DynamicMessage m) {
        return WireFormat.frame(id, MessageIndexes.encode(indexes), m.toByteArray());
    }
}
