package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.format.WireFormat;
import io.sluice.format.registry.SchemaReference;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.RegistrySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON Schema through the dev Schema Registry into DuckDB: the README's type table, a reference to another registered
 * schema, typed keys, a local schema file with plain payloads, and bad payloads that stop the run or are skipped.
 */
class JsonSchemaIT {
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

    static final String ADDRESS = """
            {"$id": "address.json", "type": "object", "properties": {
              "city": {"type": "string"}, "zip": {"type": ["string", "null"]}}}""";

    static final String ORDER = """
            {"type": "object", "properties": {
              "id": {"type": "integer"},
              "qty": {"type": "integer", "connect.type": "int32"},
              "score": {"type": "number"},
              "ok": {"type": "boolean"},
              "note": {"type": ["string", "null"]},
              "status": {"enum": ["NEW", "PAID"]},
              "at": {"type": "string", "format": "date-time"},
              "day": {"type": "string", "format": "date"},
              "clock": {"type": "string", "format": "time"},
              "uid": {"type": "string", "format": "uuid"},
              "tags": {"type": "array", "items": {"type": "string"}},
              "attrs": {"type": "object", "additionalProperties": {"type": "integer"}},
              "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
              "ship": {"oneOf": [{"type": "null"}, {"$ref": "address.json"}]},
              "tree": {"$ref": "#/$defs/node"},
              "any": {}
            },
            "$defs": {
              "line": {"type": "object", "properties": {"sku": {"type": "string"}, "n": {"type": "integer"}}},
              "node": {"type": "object", "properties": {"v": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}
            }}""";

    @Test
    void everyJsonSchemaTypeLandsWithItsDuckDbTypeAndValueThroughTheRegistry() throws Exception {
        String topic = Sluice.unique("jsonschema-types");
        TestBroker.createTopic(topic, 1);
        client.register(topic + "-address", SchemaType.JSON, ADDRESS, List.of());
        int id = client.register(topic + "-value", SchemaType.JSON, ORDER, List.of(new SchemaReference("address.json", topic + "-address", 1)));
        int keyId = client.register(topic + "-key", SchemaType.JSON,
                "{\"type\": \"object\", \"properties\": {\"customer\": {\"type\": \"string\"}, \"region\": {\"type\": \"integer\"}}}", List.of());
        List<String> values = List.of("""
                {"id": 1000, "qty": 1, "score": 1.25, "ok": true, "note": "n0", "status": "PAID",
                 "at": "2026-01-01T01:00:00.123456+01:00", "day": "2026-01-01", "clock": "01:02:03.004",
                 "uid": "123e4567-e89b-12d3-a456-426614174000", "tags": ["a", "b"], "attrs": {"k": 1},
                 "lines": [{"sku": "S0", "n": 2}], "ship": {"city": "Lyon", "zip": "69001"},
                 "tree": {"v": 1, "kids": [{"v": 2, "kids": []}]}, "any": {"x": [1, 2.50]}, "extra": 7}""", """
                {"id": 1001, "qty": 2.0, "score": 3, "ok": false, "note": null, "at": "2026-01-02T00:00:00Z",
                 "ship": null, "tags": [], "attrs": {}}""");
        try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
            for (int i = 0; i < values.size(); i++) {
                byte[] key = WireFormat.frame(keyId, new byte[0], ("{\"customer\": \"c" + i + "\", \"region\": " + (40 + i) + "}").getBytes(StandardCharsets.UTF_8));
                p.send(new ProducerRecord<>(topic, 0, key, WireFormat.frame(id, new byte[0], values.get(i).getBytes(StandardCharsets.UTF_8))));
            }
            p.flush();
        }
        Path m = Sluice.manifest(dir, manifest("types", topic, "message_format: json_schema, key_format: json_schema,"
                + " schema_registry_url: \"" + registry.url() + "\""));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        assertThat(columns("t")).containsExactly("id BIGINT", "qty INTEGER", "score DOUBLE", "ok BOOLEAN", "note VARCHAR",
                "status VARCHAR", "at TIMESTAMP", "day DATE", "clock TIME", "uid UUID", "tags VARCHAR[]", "attrs MAP(VARCHAR, BIGINT)",
                "lines STRUCT(sku VARCHAR, n BIGINT)[]", "ship__city VARCHAR", "ship__zip VARCHAR", "tree__v BIGINT",
                "tree__kids JSON[]", "any JSON", "extra INTEGER");
        List<List<Object>> rows = Sluice.query(db(), "select _kafka_key__customer, _kafka_key__region, id, qty, score, ok, note,"
                + " status, \"at\"::VARCHAR, \"day\"::VARCHAR, clock::VARCHAR, uid::VARCHAR, tags::VARCHAR, attrs::VARCHAR, lines::VARCHAR,"
                + " ship__city, ship__zip, tree__v, tree__kids::VARCHAR, \"any\"::VARCHAR, extra from t order by id");
        assertThat(rows.get(0)).containsExactly("c0", 40L, 1000L, 1, 1.25, true, "n0", "PAID", "2026-01-01 00:00:00.123456",
                "2026-01-01", "01:02:03.004", "123e4567-e89b-12d3-a456-426614174000", "[a, b]", "{k=1}", "[{'sku': S0, 'n': 2}]",
                "Lyon", "69001", 1L, "[{\"v\":2,\"kids\":[]}]", "{\"x\":[1,2.50]}", 7);
        assertThat(rows.get(1)).containsExactly("c1", 41L, 1001L, 2, 3.0, false, null, null, "2026-01-02 00:00:00", null, null,
                null, "[]", "{}", null, null, null, null, null, null, null);
    }

    @Test
    void aLocalSchemaFileReadsPlainPayloadsAndFollowsRefsToFilesBesideIt() throws Exception {
        String topic = Sluice.unique("jsonschema-file");
        TestBroker.createTopic(topic, 1);
        Files.writeString(dir.resolve("address.json"), ADDRESS);
        Files.writeString(dir.resolve("payment.json"), """
                {"type": "object", "properties": {
                  "id": {"type": "string", "format": "uuid"},
                  "paid": {"type": "string", "format": "date-time"},
                  "to": {"$ref": "address.json"},
                  "amounts": {"type": "array", "items": {"type": "number"}}},
                 "additionalProperties": false}""");
        TestBroker.produceJson(topic, 1, 2, i -> "{\"id\": \"00000000-0000-0000-0000-00000000000" + i + "\", \"paid\": \"2026-03-0" + (i + 1)
                + "T10:00:00-02:00\", \"to\": {\"city\": \"Oslo\"}, \"amounts\": [1, 2.5], \"dropped\": true}");
        Path m = Sluice.manifest(dir, manifest("file", topic, "message_format: json_schema, schema_file: payment.json, nested: struct"));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(columns("t")).containsExactly("id UUID", "paid TIMESTAMP", "to STRUCT(city VARCHAR, zip VARCHAR)", "amounts DOUBLE[]");
        assertThat(Sluice.query(db(), "select id::VARCHAR, paid::VARCHAR, \"to\"::VARCHAR, amounts::VARCHAR from t order by id"))
                .containsExactly(
                        List.of("00000000-0000-0000-0000-000000000000", "2026-03-01 12:00:00", "{'city': Oslo, 'zip': NULL}", "[1.0, 2.5]"),
                        List.of("00000000-0000-0000-0000-000000000001", "2026-03-02 12:00:00", "{'city': Oslo, 'zip': NULL}", "[1.0, 2.5]"));
    }

    @Test
    void badPayloadsNameTheirRecordAndCanBeSkipped() throws Exception {
        String topic = Sluice.unique("jsonschema-bad");
        TestBroker.createTopic(topic, 1);
        int id = client.register(topic + "-value", SchemaType.JSON, "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"},"
                + " \"readings\": {\"type\": \"object\", \"properties\": {\"rpm\": {\"type\": \"integer\"}}}}}", List.of());
        byte[] good = WireFormat.frame(id, new byte[0], "{\"id\": 1, \"readings\": {\"rpm\": 1200}}".getBytes(StandardCharsets.UTF_8));
        List<byte[]> values = new ArrayList<>();
        values.add(good);
        values.add("{\"id\": 1}".getBytes(StandardCharsets.UTF_8));                                              // 1: no magic byte
        values.add(WireFormat.frame(id + 1000, new byte[0], "{\"id\": 1}".getBytes(StandardCharsets.UTF_8)));   // 2: unknown id
        values.add(WireFormat.frame(id, new byte[0], "{\"id\": 2, \"readings\": {\"rpm\": 12.5}}".getBytes(StandardCharsets.UTF_8))); // 3
        values.add(Arrays.copyOf(good, good.length - 2));                                                        // 4: truncated
        values.add(good);                                                                                        // 5
        int broken = client.register(topic + "-broken", SchemaType.JSON, "{\"properties\": {\"a\": {\"type\": \"text\"}}}", List.of());
        values.add(WireFormat.frame(broken, new byte[0], "{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));          // 6, 7: unusable schema
        values.add(WireFormat.frame(broken, new byte[0], "{\"a\": 2}".getBytes(StandardCharsets.UTF_8)));
        AvroIT.produce(topic, values.size(), values::get);

        String options = "message_format: json_schema, schema_registry_url: \"" + registry.url() + "\"";
        Sluice.Result failed = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, manifest("bad", topic, options)).toString());
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.stderr()).contains("decode failed for record " + topic + "/0@1: value does not start with the schema"
                + " registry's magic byte 0 but with 0x7b (it looks like plain JSON: set wire_format: plain with a schema_file,"
                + " or use message_format json)");
        assertThat(Files.exists(db()) ? Sluice.queryLong(db(), "select count(*) from _sluice_offsets") : 0).isZero();

        Sluice.Result skipped = Sluice.run(dir, Map.of(), "run",
                Sluice.manifest(dir, manifest("bad", topic, options + ", on_error: skip")).toString());
        assertThat(skipped.exit()).as(skipped.toString()).isZero();
        assertThat(skipped.stderr())
                .contains(topic + "/0@1: value does not start with the schema registry's magic byte 0")
                .contains(topic + "/0@2: unknown schema id " + (id + 1000) + ": ")
                .contains(topic + "/0@3: $.readings.rpm: 12.5 is not an integer")
                .contains(topic + "/0@4: not valid JSON: the value ends at byte")
                .contains(topic + "/0@6: schema id " + broken + " from " + registry.url() + " is not a usable JSON Schema: schema id "
                        + broken + "#/properties/a: unknown type \"text\"")
                .contains(topic + "/0@7: schema id " + broken + " from " + registry.url() + " is not a usable JSON Schema");
        assertThat(Sluice.query(db(), "select _kafka_offset, id, readings__rpm from t order by 1"))
                .containsExactly(List.of(0L, 1L, 1200L), List.of(5L, 1L, 1200L));
    }

    @Test
    void aRegistryOutageStopsTheRunWithoutCommitting() throws Exception {
        String topic = Sluice.unique("jsonschema-outage");
        TestBroker.createTopic(topic, 1);
        int id = client.register(topic + "-value", SchemaType.JSON, "{\"properties\": {\"id\": {\"type\": \"integer\"}}}", List.of());
        AvroIT.produce(topic, 2, i -> WireFormat.frame(id, new byte[0], ("{\"id\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
        registry.close();
        String options = "message_format: json_schema, on_error: skip, schema_registry_retries: 0, schema_registry_url: \""
                + registry.url() + "\"";
        Sluice.Result down = Sluice.run(dir, Map.of(), "run", Sluice.manifest(dir, manifest("outage", topic, options)).toString());
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.stderr()).contains("decode failed for record " + topic + "/0@0: cannot fetch JSON Schema id " + id
                + ": schema registry " + registry.url() + " is unavailable for schema id " + id)
                .contains("nothing of this batch was committed");
        assertThat(Files.exists(db()) ? Sluice.queryLong(db(), "select count(*) from _sluice_offsets") : 0).isZero();
        registry = DevSchemaRegistry.start(dir.resolve("registry"), 0);
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
}
