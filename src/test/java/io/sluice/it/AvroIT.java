package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.format.WireFormat;
import io.sluice.format.registry.SchemaReference;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.RegistrySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.IntFunction;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Avro through the dev Schema Registry into DuckDB: every type of the README's mapping table, writer schemas
 * that change mid-batch, references, keys, local schema files, bad payloads and a registry outage. Payloads are
 * written with Apache Avro's own encoder, so the decoder is checked against the reference implementation.
 */
class AvroIT {
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

    static final String ALL_TYPES = """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"},
              {"name": "qty", "type": "int"},
              {"name": "ok", "type": "boolean"},
              {"name": "ratio", "type": "float"},
              {"name": "score", "type": "double"},
              {"name": "note", "type": ["null", "string"], "default": null},
              {"name": "raw", "type": "bytes"},
              {"name": "code", "type": {"type": "fixed", "name": "Code", "size": 2}},
              {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "at_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "clock", "type": {"type": "int", "logicalType": "time-millis"}},
              {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "attrs", "type": {"type": "map", "values": "long"}},
              {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
                 {"name": "sku", "type": "string"}, {"name": "n", "type": "int"}]}}},
              {"name": "ship", "type": ["null", {"type": "record", "name": "Address", "fields": [
                 {"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "string"], "default": null}]}], "default": null},
              {"name": "either", "type": ["null", "string", "long"], "default": null}
            ]}""";

    @Test
    void everyAvroTypeLandsWithItsDuckDbTypeAndValue() throws Exception {
        String topic = Sluice.unique("avro-types");
        TestBroker.createTopic(topic, 1);
        Schema schema = new Schema.Parser().parse(ALL_TYPES);
        int id = client.register(topic + "-value", SchemaType.AVRO, ALL_TYPES, List.of());
        UUID uid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        produce(topic, 3, i -> framed(id, schema, r -> {
            r.put("id", 1000L + i);
            r.put("qty", i);
            r.put("ok", i % 2 == 0);
            r.put("ratio", 0.5f);
            r.put("score", 1.25 * i);
            r.put("note", i == 1 ? null : "n" + i);
            r.put("raw", ByteBuffer.wrap(new byte[] {1, 2, (byte) i}));
            r.put("code", new GenericData.Fixed(schema.getField("code").schema(), new byte[] {'A', 'B'}));
            r.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), i == 2 ? "SHIPPED" : "PAID"));
            r.put("price", decimal(schema.getField("price").schema(), new BigDecimal("12.34").add(BigDecimal.valueOf(i))));
            r.put("day", 20_454 + i); // 2026-01-01 + i
            r.put("at_ms", 1_767_225_600_123L);
            r.put("at_us", 1_767_225_600_123_456L);
            r.put("clock", 3_723_004); // 01:02:03.004
            r.put("uid", uid.toString());
            r.put("tags", List.of("a", "b" + i));
            r.put("attrs", new LinkedHashMap<>(Map.of("k", (long) i)));
            GenericRecord line = new GenericData.Record(schema.getField("lines").schema().getElementType());
            line.put("sku", "S" + i);
            line.put("n", i);
            r.put("lines", List.of(line));
            if (i != 1) {
                GenericRecord a = new GenericData.Record(schema.getField("ship").schema().getTypes().get(1));
                a.put("city", "Lyon");
                a.put("zip", i == 0 ? null : "69001");
                r.put("ship", a);
            }
            r.put("either", i == 0 ? "text" : i == 1 ? 7L : null);
        }));
        Path m = Sluice.manifest(dir, manifest("types", topic, "message_format: avro, schema_registry_url: \"" + registry.url() + "\""));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        assertThat(columns("t")).containsExactly("id BIGINT", "qty INTEGER", "ok BOOLEAN", "ratio FLOAT", "score DOUBLE",
                "note VARCHAR", "raw BLOB", "code BLOB", "status VARCHAR", "price DECIMAL(10,2)", "day DATE",
                "at_ms TIMESTAMP", "at_us TIMESTAMP", "clock TIME", "uid UUID", "tags VARCHAR[]", "attrs MAP(VARCHAR, BIGINT)",
                "lines STRUCT(sku VARCHAR, n INTEGER)[]", "ship__city VARCHAR", "ship__zip VARCHAR",
                "either STRUCT(string VARCHAR, long BIGINT)");
        List<List<Object>> rows = Sluice.query(db(), "select id, qty, ok, ratio, score, note, hex(raw), decode(code), status,"
                + " price::VARCHAR, day::VARCHAR, at_ms::VARCHAR, at_us::VARCHAR, clock::VARCHAR, uid::VARCHAR, tags::VARCHAR,"
                + " attrs::VARCHAR, lines::VARCHAR, ship__city, ship__zip, either::VARCHAR from t order by id");
        assertThat(rows.get(0)).containsExactly(1000L, 0, true, 0.5f, 0.0, "n0", "010200", "AB", "PAID", "12.34", "2026-01-01",
                "2026-01-01 00:00:00.123", "2026-01-01 00:00:00.123456", "01:02:03.004", uid.toString(), "[a, b0]",
                "{k=0}", "[{'sku': S0, 'n': 0}]", "Lyon", null, "{'string': text, 'long': NULL}");
        assertThat(rows.get(1)).containsExactly(1001L, 1, false, 0.5f, 1.25, null, "010201", "AB", "PAID", "13.34", "2026-01-02",
                "2026-01-01 00:00:00.123", "2026-01-01 00:00:00.123456", "01:02:03.004", uid.toString(), "[a, b1]",
                "{k=1}", "[{'sku': S1, 'n': 1}]", null, null, "{'string': NULL, 'long': 7}");
        assertThat(rows.get(2).get(8)).isEqualTo("SHIPPED");
        assertThat(rows.get(2).get(19)).isEqualTo("69001");
        assertThat(rows.get(2).get(20)).isNull();
    }

    @Test
    void aWriterSchemaThatChangesMidBatchAddsAndWidensColumns() throws Exception {
        String topic = Sluice.unique("avro-evolve");
        TestBroker.createTopic(topic, 1);
        String v1 = record("E", "{\"name\": \"id\", \"type\": \"int\"}, {\"name\": \"v\", \"type\": \"float\"}");
        String v2 = record("E", "{\"name\": \"id\", \"type\": \"long\"}, {\"name\": \"v\", \"type\": \"double\"},"
                + " {\"name\": \"extra\", \"type\": [\"null\", \"string\"], \"default\": null}");
        int id1 = client.register(topic + "-value", SchemaType.AVRO, v1, List.of());
        int id2 = client.register(topic + "-value", SchemaType.AVRO, v2, List.of());
        assertThat(id2).isNotEqualTo(id1);
        Schema s1 = new Schema.Parser().parse(v1);
        Schema s2 = new Schema.Parser().parse(v2);
        produce(topic, 4, i -> i % 2 == 0
                ? framed(id1, s1, r -> { r.put("id", i); r.put("v", 0.5f); })
                : framed(id2, s2, r -> { r.put("id", 5_000_000_000L + i); r.put("v", 0.25); r.put("extra", "x" + i); }));
        Path m = Sluice.manifest(dir, manifest("evolve", topic, "message_format: avro, batch_size: 100, schema_registry_url: \""
                + registry.url() + "\""));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(columns("t")).containsExactly("id BIGINT", "v DOUBLE", "extra VARCHAR");
        assertThat(Sluice.query(db(), "select id, v, extra from t order by _kafka_offset")).containsExactly(
                java.util.Arrays.asList(0L, 0.5, null), List.of(5_000_000_001L, 0.25, "x1"),
                java.util.Arrays.asList(2L, 0.5, null), List.of(5_000_000_003L, 0.25, "x3"));
    }

    @Test
    void referencesKeysAndALocalSchemaFile() throws Exception {
        String topic = Sluice.unique("avro-refs");
        TestBroker.createTopic(topic, 1);
        String money = "{\"type\": \"record\", \"name\": \"Money\", \"namespace\": \"common\", \"fields\": ["
                + "{\"name\": \"amount\", \"type\": \"long\"}, {\"name\": \"currency\", \"type\": \"string\"}]}";
        client.register("common.Money", SchemaType.AVRO, money, List.of());
        String payment = "{\"type\": \"record\", \"name\": \"Payment\", \"namespace\": \"shop\", \"fields\": ["
                + "{\"name\": \"id\", \"type\": \"string\"}, {\"name\": \"total\", \"type\": \"common.Money\"}]}";
        int id = client.register(topic + "-value", SchemaType.AVRO, payment, List.of(new SchemaReference("common.Money", "common.Money", 1)));
        String keySchema = record("Key", "{\"name\": \"customer\", \"type\": \"string\"}, {\"name\": \"region\", \"type\": \"int\"}");
        int keyId = client.register(topic + "-key", SchemaType.AVRO, keySchema, List.of());
        Schema.Parser p = new Schema.Parser();
        p.parse(money);
        Schema s = p.parse(payment);
        Schema k = new Schema.Parser().parse(keySchema);
        try (KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
            for (int i = 0; i < 2; i++) {
                int n = i;
                byte[] key = framed(keyId, k, r -> { r.put("customer", "c" + n); r.put("region", 40 + n); });
                byte[] value = framed(id, s, r -> {
                    r.put("id", "p" + n);
                    GenericRecord total = new GenericData.Record(s.getField("total").schema());
                    total.put("amount", 100L * n);
                    total.put("currency", "EUR");
                    r.put("total", total);
                });
                producer.send(new ProducerRecord<>(topic, 0, key, value));
            }
            producer.flush();
        }
        Path m = Sluice.manifest(dir, manifest("refs", topic, "message_format: avro, key_format: avro, nested: struct,"
                + " schema_registry_url: \"" + registry.url() + "\""));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(Sluice.query(db(), "select _kafka_key__customer, _kafka_key__region, id, total.amount, total.currency from t"
                + " order by _kafka_offset")).containsExactly(List.of("c0", 40, "p0", 0L, "EUR"), List.of("c1", 41, "p1", 100L, "EUR"));

        // the same framed payloads, decoded with a local copy of the schema instead of the registry
        Path avsc = dir.resolve("payment.avsc");
        Files.writeString(avsc, s.toString());
        Path local = Sluice.manifest(dir, manifest("local", topic, "message_format: avro, schema_file: payment.avsc,"
                + " wire_format: confluent, start_from: earliest").replace("table: \"t\"", "table: \"t2\""));
        registry.close();
        Sluice.Result offline = Sluice.run(dir, Map.of(), "run", local.toString());
        assertThat(offline.exit()).as(offline.toString()).isZero();
        assertThat(Sluice.query(db(), "select id, total__amount from t2 order by id")).containsExactly(List.of("p0", 0L), List.of("p1", 100L));
        registry = DevSchemaRegistry.start(dir.resolve("registry"), 0);
    }

    @Test
    void generateAndSchemaInferFollowTheSubjectNameStrategy() {
        String topic = Sluice.unique("avro-subjects");
        Sluice.Result gen = Sluice.run(dir, Map.of(), "generate", "-b", TestBroker.bootstrap(), "--topic", topic, "--count", "20",
                "--partitions", "1", "--format", "avro", "--schema-registry", registry.url(), "--subject-name-strategy", "topic_record");
        assertThat(gen.exit()).as(gen.toString()).isZero();
        String subject = topic + "-io.sluice.sample.SensorEvent";
        assertThat(gen.stderr()).contains("registered the sensor event schema under subject " + subject);
        assertThat(client.versions(subject)).containsExactly(1);

        Path m = Sluice.manifest(dir, manifest("subjects", topic, "message_format: avro, subject_name_strategy: topic_record,"
                + " schema_registry_url: \"" + registry.url() + "\""));
        Sluice.Result infer = Sluice.run(dir, Map.of(), "schema", "infer", m.toString(), "--sample", "5");
        assertThat(infer.exit()).as(infer.toString()).isZero();
        assertThat(infer.stdout()).containsPattern("event_time +TIMESTAMP").containsPattern("quality_score +DECIMAL\\(4, 3\\)")
                .containsPattern("writer schema id \\d+ \\(io.sluice.sample.SensorEvent\\): registered as .*" + subject
                        + " v1; subject_name_strategy topic_record names " + subject);
    }

    @Test
    void badPayloadsNameTheirRecordAndCanBeSkipped() throws Exception {
        String topic = Sluice.unique("avro-bad");
        TestBroker.createTopic(topic, 1);
        String v = record("B", "{\"name\": \"id\", \"type\": \"long\"}, {\"name\": \"s\", \"type\": \"string\"}");
        int id = client.register(topic + "-value", SchemaType.AVRO, v, List.of());
        Schema s = new Schema.Parser().parse(v);
        byte[] good = framed(id, s, r -> { r.put("id", 1L); r.put("s", "hello"); });
        List<byte[]> values = new ArrayList<>();
        values.add(good);
        values.add("{\"id\": 1}".getBytes());                        // 1: no magic byte
        values.add(java.util.Arrays.copyOf(good, good.length - 3));   // 2: truncated
        byte[] unknown = good.clone();
        unknown[4] = 99;                                               // 3: unknown schema id
        values.add(unknown);
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 2); // 4: bytes left over
        values.add(longer);
        values.add(good);                                              // 5
        produce(topic, values.size(), values::get);

        Path m = Sluice.manifest(dir, manifest("bad", topic, "message_format: avro, schema_registry_url: \"" + registry.url() + "\""));
        Sluice.Result r = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("decode failed for record " + topic + "/0@1: value does not start with the schema"
                + " registry's magic byte 0 but with 0x7b (it looks like plain JSON: message_format json?)");
        assertThat(Files.exists(db()) ? Sluice.queryLong(db(), "select count(*) from _sluice_offsets") : 0).isZero();

        Path skip = Sluice.manifest(dir, manifest("bad", topic, "message_format: avro, on_error: skip, schema_registry_url: \""
                + registry.url() + "\""));
        Sluice.Result s2 = Sluice.run(dir, Map.of(), "run", skip.toString());
        assertThat(s2.exit()).as(s2.toString()).isZero();
        assertThat(s2.stderr()).contains(topic + "/0@2: corrupt Avro payload: string length 5 at byte 7, but 2 bytes are left")
                .contains(topic + "/0@3: unknown schema id " + (id + 99 - (id & 0xff)))
                .contains(topic + "/0@4: corrupt Avro payload: 2 bytes left over");
        assertThat(Sluice.query(db(), "select _kafka_offset, s from t order by 1")).containsExactly(List.of(0L, "hello"), List.of(5L, "hello"));
    }

    @Test
    void aRegistryOutageStopsTheRunWithoutCommittingAndARestartRecovers() throws Exception {
        String topic = Sluice.unique("avro-outage");
        TestBroker.createTopic(topic, 1);
        String v = record("O", "{\"name\": \"id\", \"type\": \"long\"}");
        int id = client.register(topic + "-value", SchemaType.AVRO, v, List.of());
        Schema s = new Schema.Parser().parse(v);
        produce(topic, 5, i -> framed(id, s, r -> r.put("id", (long) i)));
        int port = registry.port();
        registry.close();
        String options = "message_format: avro, on_error: skip, schema_registry_retries: 1, schema_registry_url: \"" + registry.url() + "\"";
        Path m = Sluice.manifest(dir, manifest("outage", topic, options));
        Sluice.Result down = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.stderr()).contains("decode failed for record " + topic + "/0@0: cannot fetch Avro schema id " + id
                + ": schema registry " + registry.url() + " is unavailable for schema id " + id + " after 2 attempts")
                .contains("nothing of this batch was committed");
        assertThat(Files.exists(db()) ? Sluice.queryLong(db(), "select count(*) from _sluice_offsets") : 0).isZero();

        registry = DevSchemaRegistry.start(dir.resolve("registry"), port);
        Sluice.Result up = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(up.exit()).as(up.toString()).isZero();
        assertThat(Sluice.queryLong(db(), "select count(distinct id) from t")).isEqualTo(5);
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

    private static String manifest(String name, String topic, String options) {
        return Manifests.duckdb(Sluice.unique(name), "topics: [" + topic + "]", "{" + options + "}", "t");
    }

    private static String record(String name, String fields) {
        return "{\"type\": \"record\", \"name\": \"" + name + "\", \"fields\": [" + fields + "]}";
    }

    private static ByteBuffer decimal(Schema s, BigDecimal v) {
        return new Conversions.DecimalConversion().toBytes(v, s, LogicalTypes.decimal(10, 2));
    }

    interface Filler {
        void fill(GenericRecord r);
    }

    static byte[] framed(int id, Schema schema, Filler filler) {
        GenericRecord r = new GenericData.Record(schema);
        filler.fill(r);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(r, e);
            e.flush();
            return WireFormat.frame(id, new byte[0], out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static KafkaProducer<byte[], byte[]> bytesProducer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", TestBroker.bootstrap());
        p.put("linger.ms", 5);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void produce(String topic, int count, IntFunction<byte[]> value) {
        try (KafkaProducer<byte[], byte[]> p = bytesProducer()) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(), value.apply(i)));
            }
            p.flush();
        }
    }
}
