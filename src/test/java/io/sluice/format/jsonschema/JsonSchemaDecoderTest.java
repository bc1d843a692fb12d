package io.sluice.format.jsonschema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.format.DecodeException;
import io.sluice.format.WireFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.JsonText;
import io.sluice.schema.MapValue;
import io.sluice.schema.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonSchemaDecoderTest {
    private static final String SCALARS = """
            {"type": "object", "properties": {
              "name": {"type": "string"},
              "at": {"type": "string", "format": "date-time"},
              "day": {"type": "string", "format": "date"},
              "clock": {"type": "string", "format": "time"},
              "uid": {"type": "string", "format": "uuid"},
              "email": {"type": "string", "format": "email"},
              "raw": {"type": "string", "contentEncoding": "base64"},
              "n": {"type": "integer"},
              "small": {"type": "integer", "connect.type": "int32"},
              "x": {"type": "number"},
              "f": {"type": "number", "connect.type": "float32"},
              "ok": {"type": "boolean"},
              "status": {"enum": ["NEW", "PAID", null]},
              "level": {"enum": [1, 2, 3]},
              "kind": {"const": "order"},
              "note": {"type": ["string", "null"]},
              "amount": {"type": ["integer", "number"]},
              "either": {"type": ["string", "integer"]},
              "anything": {},
              "nothing": {"type": "null"},
              "never": false
            }}""";

    @Test
    void everyScalarMapsToItsColumnType() throws Exception {
        RowReader r = reader(SCALARS, NestedMode.FLATTEN);

        assertThat(r.columns()).containsExactly(
                new Field("name", Scalar.VARCHAR), new Field("at", Scalar.TIMESTAMP), new Field("day", Scalar.DATE),
                new Field("clock", Scalar.TIME), new Field("uid", Scalar.UUID), new Field("email", Scalar.VARCHAR),
                new Field("raw", Scalar.BLOB), new Field("n", Scalar.BIGINT), new Field("small", Scalar.INTEGER),
                new Field("x", Scalar.DOUBLE), new Field("f", Scalar.FLOAT), new Field("ok", Scalar.BOOLEAN),
                new Field("status", Scalar.VARCHAR), new Field("level", Scalar.BIGINT), new Field("kind", Scalar.VARCHAR),
                new Field("note", Scalar.VARCHAR), new Field("amount", Scalar.DOUBLE), new Field("either", Scalar.JSON),
                new Field("anything", Scalar.JSON));
        Row row = decode(r, """
                {"name": "ann", "at": "2026-01-31T12:00:00.123456+02:00", "day": "2026-01-31", "clock": "10:15:30.5Z",
                 "uid": "123e4567-e89b-12d3-a456-426614174000", "email": "a@b.c", "raw": "AQID", "n": 9007199254740993,
                 "small": 7, "x": 1, "f": 0.5, "ok": false, "status": "PAID", "level": 2, "kind": "order", "note": null,
                 "amount": 2.5, "either": 12, "anything": {"a": [1, 2.50]}, "nothing": null, "never": 1}""");

        Map<String, Object> v = values(row);
        assertThat(v.keySet()).containsExactly("name", "at", "day", "clock", "uid", "email", "raw", "n", "small", "x", "f",
                "ok", "status", "level", "kind", "note", "amount", "either", "anything");
        assertThat(v.get("name")).isEqualTo("ann");
        assertThat(v.get("at")).isEqualTo(Instant.parse("2026-01-31T10:00:00.123456Z"));
        assertThat(v.get("day")).isEqualTo(LocalDate.of(2026, 1, 31));
        assertThat(v.get("clock")).isEqualTo(LocalTime.of(10, 15, 30, 500_000_000));
        assertThat(v.get("uid")).isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        assertThat((byte[]) v.get("raw")).containsExactly(1, 2, 3);
        assertThat(v.get("n")).isEqualTo(9007199254740993L);
        assertThat(v.get("small")).isEqualTo(7);
        assertThat(v.get("x")).isEqualTo(1.0);
        assertThat(v.get("f")).isEqualTo(0.5f);
        assertThat(v.get("ok")).isEqualTo(false);
        assertThat(v.get("status")).isEqualTo("PAID");
        assertThat(v.get("level")).isEqualTo(2L);
        assertThat(v.get("note")).isNull();
        assertThat(v.get("amount")).isEqualTo(2.5);
        assertThat(v.get("either")).isEqualTo(new JsonText("12"));
        assertThat(v.get("anything")).isEqualTo(new JsonText("{\"a\":[1,2.50]}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-01-31T12:00:00Z      | 2026-01-31T12:00:00Z",
            "2026-01-31t12:00:00z      | 2026-01-31T12:00:00Z",
            "2026-01-31 12:00:00-05:30 | 2026-01-31T17:30:00Z",
            "2026-01-31T12:00:00.5     | 2026-01-31T12:00:00.500Z",
    })
    void dateTimesWithOffsetsBecomeUtcAndWithoutOneAreTakenAsUtc(String text, String utc) throws Exception {
        Row row = decode(reader("{\"properties\": {\"t\": {\"type\": \"string\", \"format\": \"date-time\"}}}", NestedMode.FLATTEN),
                "{\"t\": \"" + text + "\"}");
        assertThat(row.value(0)).isEqualTo(Instant.parse(utc));
    }

    @Test
    void missingPropertiesAndNullsAreNullsOfTheDeclaredType() throws Exception {
        RowReader r = reader(SCALARS, NestedMode.FLATTEN);
        Row row = decode(r, "{\"n\": null}");
        assertThat(row.size()).isEqualTo(19);
        for (int i = 0; i < row.size(); i++) {
            assertThat(row.value(i)).isNull();
            assertThat(row.type(i)).isEqualTo(r.columns().get(i).type());
        }
    }

    private static final String NESTED = """
            {"type": "object", "properties": {
              "id": {"type": "integer"},
              "readings": {"type": "object", "properties": {
                 "rpm": {"type": "integer"},
                 "temp": {"type": "number"},
                 "at": {"type": "object", "properties": {"site": {"type": "string"}, "since": {"type": "string", "format": "date"}}}}},
              "ok": {"type": "boolean"}
            }}""";
    private static final String NESTED_VALUE = "{\"readings\": {\"temp\": 20.5, \"rpm\": 1200, \"at\": {\"site\": \"A\"}}, \"id\": 1, \"ok\": true}";

    @Test
    void flattenMakesParentSeparatorChildColumnsInPropertyOrder() throws Exception {
        RowReader r = reader(NESTED, NestedMode.FLATTEN, ".");
        assertThat(r.columns()).containsExactly(new Field("id", Scalar.BIGINT), new Field("readings.rpm", Scalar.BIGINT),
                new Field("readings.temp", Scalar.DOUBLE), new Field("readings.at.site", Scalar.VARCHAR),
                new Field("readings.at.since", Scalar.DATE), new Field("ok", Scalar.BOOLEAN));
        assertThat(values(decode(r, NESTED_VALUE))).containsExactly(Map.entry("id", 1L), Map.entry("readings.rpm", 1200L),
                Map.entry("readings.temp", 20.5), Map.entry("readings.at.site", "A"), entryOfNull("readings.at.since"),
                Map.entry("ok", true));
        assertThat(values(decode(r, "{\"readings\": null}")).values()).containsOnlyNulls().hasSize(6);
    }

    @Test
    void structKeepsNestedObjectsAsStructsWithTheSchemasFields() throws Exception {
        RowReader r = reader(NESTED, NestedMode.STRUCT);
        Struct at = new Struct(List.of(new Field("site", Scalar.VARCHAR), new Field("since", Scalar.DATE)));
        Struct readings = new Struct(List.of(new Field("rpm", Scalar.BIGINT), new Field("temp", Scalar.DOUBLE), new Field("at", at)));
        assertThat(r.columns()).containsExactly(new Field("id", Scalar.BIGINT), new Field("readings", readings),
                new Field("ok", Scalar.BOOLEAN));
        Map<String, Object> v = values(decode(r, NESTED_VALUE));
        Map<String, Object> atValue = new LinkedHashMap<>();
        atValue.put("site", "A");
        atValue.put("since", null);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("rpm", 1200L);
        expected.put("temp", 20.5);
        expected.put("at", atValue);
        assertThat(v.get("readings")).isEqualTo(expected);
        assertThat(((Map<?, ?>) v.get("readings")).keySet()).map(Object::toString).containsExactly("rpm", "temp", "at");
    }

    @Test
    void jsonKeepsNestedObjectsAsTheirText() throws Exception {
        RowReader r = reader(NESTED, NestedMode.JSON);
        assertThat(r.columns()).containsExactly(new Field("id", Scalar.BIGINT), new Field("readings", Scalar.JSON),
                new Field("ok", Scalar.BOOLEAN));
        assertThat(values(decode(r, NESTED_VALUE)).get("readings"))
                .isEqualTo(new JsonText("{\"temp\":20.5,\"rpm\":1200,\"at\":{\"site\":\"A\"}}"));
    }

    @Test
    void mapsListsAndUntypedStructures() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "attrs": {"type": "object", "additionalProperties": {"type": "integer"}},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "days": {"type": "array", "items": {"type": "string", "format": "date"}},
                  "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}, "n": {"type": "integer"}}}},
                  "grid": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                  "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
                  "old_pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
                  "bag": {"type": "array"},
                  "free": {"type": "object"},
                  "open": {"type": "object", "additionalProperties": true}
                }}""";
        RowReader r = reader(schema, NestedMode.FLATTEN);
        Struct line = new Struct(List.of(new Field("sku", Scalar.VARCHAR), new Field("n", Scalar.BIGINT)));
        assertThat(r.columns()).containsExactly(new Field("attrs", new MapOf(Scalar.VARCHAR, Scalar.BIGINT)),
                new Field("tags", new ListOf(Scalar.VARCHAR)), new Field("days", new ListOf(Scalar.DATE)),
                new Field("lines", new ListOf(line)), new Field("grid", new ListOf(new ListOf(Scalar.DOUBLE))),
                new Field("pair", Scalar.JSON), new Field("old_pair", Scalar.JSON), new Field("bag", Scalar.JSON),
                new Field("free", Scalar.JSON), new Field("open", Scalar.JSON));
        Map<String, Object> v = values(decode(r, """
                {"attrs": {"a": 1, "b": null}, "tags": ["x", null], "days": ["2026-01-01"],
                 "lines": [{"sku": "S1", "n": 2, "extra": true}, {"sku": "S2"}], "grid": [[1, 2.5], []],
                 "pair": ["a", 1], "old_pair": ["b", 2], "bag": [1, "x"], "free": {"k": [1]}, "open": {}}"""));
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("a", 1L);
        attrs.put("b", null);
        assertThat(v.get("attrs")).isEqualTo(new MapValue(attrs));
        assertThat(v.get("tags")).isEqualTo(Arrays.asList("x", null));
        assertThat(v.get("days")).isEqualTo(List.of(LocalDate.of(2026, 1, 1)));
        Map<String, Object> s2 = new LinkedHashMap<>();
        s2.put("sku", "S2");
        s2.put("n", null);
        assertThat(v.get("lines")).isEqualTo(List.of(Map.of("sku", "S1", "n", 2L), s2));
        assertThat(v.get("grid")).isEqualTo(List.of(List.of(1.0, 2.5), List.of()));
        assertThat(v.get("pair")).isEqualTo(new JsonText("[\"a\",1]"));
        assertThat(v.get("free")).isEqualTo(new JsonText("{\"k\":[1]}"));
        assertThat(v.get("open")).isEqualTo(new JsonText("{}"));
    }

    @Test
    void listsOfObjectsAreJsonInJsonMode() throws Exception {
        RowReader r = reader("{\"properties\": {\"l\": {\"items\": {\"properties\": {\"a\": {\"type\": \"integer\"}}}}}}", NestedMode.JSON);
        assertThat(r.columns()).containsExactly(new Field("l", new ListOf(Scalar.JSON)));
        assertThat(decode(r, "{\"l\": [{\"a\": 1}, null]}").value(0)).isEqualTo(Arrays.asList(new JsonText("{\"a\":1}"), null));
    }

    @Test
    void refsToDefinitionsDefsOtherDocumentsAndTheirIds() throws Exception {
        String money = """
                {"$id": "https://example.com/schemas/money.json", "type": "object",
                 "properties": {"amount": {"type": "integer"}, "currency": {"$ref": "#/$defs/currency"}},
                 "$defs": {"currency": {"type": "string"}, "rate": {"type": "number"}}}""";
        String schema = """
                {"$id": "https://example.com/schemas/order.json", "type": "object", "properties": {
                  "total": {"$ref": "money.json"},
                  "rate": {"$ref": "https://example.com/schemas/money.json#/$defs/rate"},
                  "ship": {"$ref": "#/definitions/address"},
                  "bill": {"$ref": "#/$defs/address%20v2"},
                  "tilde": {"$ref": "#/definitions/a~1b"}
                },
                "definitions": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}, "a/b": {"type": "boolean"}},
                "$defs": {"address v2": {"$ref": "#/definitions/address"}}}""";
        RowReader r = reader(schema, NestedMode.FLATTEN, "__", "money.json", money);
        assertThat(r.columns()).containsExactly(new Field("total__amount", Scalar.BIGINT), new Field("total__currency", Scalar.VARCHAR),
                new Field("rate", Scalar.DOUBLE), new Field("ship__city", Scalar.VARCHAR), new Field("bill__city", Scalar.VARCHAR),
                new Field("tilde", Scalar.BOOLEAN));
        assertThat(values(decode(r, "{\"total\": {\"amount\": 5, \"currency\": \"EUR\"}, \"ship\": {\"city\": \"Oslo\"}}")))
                .containsEntry("total__amount", 5L).containsEntry("total__currency", "EUR").containsEntry("ship__city", "Oslo");
    }

    @Test
    void aTopLevelRefIsTheRecord() throws Exception {
        RowReader r = reader("{\"$ref\": \"#/definitions/Order\", \"definitions\": {\"Order\": {\"type\": \"object\","
                + " \"properties\": {\"id\": {\"type\": \"integer\"}}}}}", NestedMode.FLATTEN);
        assertThat(r.columns()).containsExactly(new Field("id", Scalar.BIGINT));
    }

    @Test
    void aRecursiveOccurrenceIsJsonText() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "name": {"type": "string"},
                  "children": {"type": "array", "items": {"$ref": "#"}},
                  "head": {"$ref": "#/definitions/node"}
                },
                "definitions": {"node": {"type": "object", "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/definitions/node"}}}}}""";
        RowReader flat = reader(schema, NestedMode.FLATTEN);
        assertThat(flat.columns()).containsExactly(new Field("name", Scalar.VARCHAR), new Field("children", new ListOf(Scalar.JSON)),
                new Field("head__v", Scalar.BIGINT), new Field("head__next", Scalar.JSON));
        Map<String, Object> v = values(decode(flat, "{\"name\": \"a\", \"children\": [{\"name\": \"b\"}],"
                + " \"head\": {\"v\": 1, \"next\": {\"v\": 2, \"next\": null}}}"));
        assertThat(v.get("children")).isEqualTo(List.of(new JsonText("{\"name\":\"b\"}")));
        assertThat(v.get("head__next")).isEqualTo(new JsonText("{\"v\":2,\"next\":null}"));

        RowReader struct = reader(schema, NestedMode.STRUCT);
        assertThat(struct.columns().get(2)).isEqualTo(new Field("head",
                new Struct(List.of(new Field("v", Scalar.BIGINT), new Field("next", Scalar.JSON)))));
    }

    @Test
    void aCycleOfRefsWithoutStructureIsJsonText() throws Exception {
        RowReader r = reader("{\"properties\": {\"a\": {\"$ref\": \"#/definitions/x\"}}, \"definitions\": {\"x\": {\"$ref\": \"#/definitions/y\"},"
                + " \"y\": {\"allOf\": [{\"$ref\": \"#/definitions/x\"}]}}}", NestedMode.FLATTEN);
        assertThat(r.columns()).containsExactly(new Field("a", Scalar.JSON));
    }

    @Test
    void unionsWithNullAreNullableAndOtherUnionsJson() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "ship": {"oneOf": [{"type": "null"}, {"$ref": "#/definitions/address"}]},
                  "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                  "when": {"oneOf": [{"type": "string", "format": "date"}]},
                  "mixed": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                  "shapes": {"anyOf": [{"$ref": "#/definitions/address"}, {"type": "object", "properties": {"r": {"type": "number"}}}]},
                  "constrained": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                                  "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
                  "merged": {"allOf": [{"$ref": "#/definitions/address"}, {"properties": {"zip": {"type": "string"}, "city": {"type": "integer"}}}]},
                  "both": {"allOf": [{"type": "string"}, {"type": "integer"}]}
                },
                "definitions": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}}}""";
        RowReader r = reader(schema, NestedMode.FLATTEN);
        assertThat(r.columns()).containsExactly(new Field("ship__city", Scalar.VARCHAR), new Field("note", Scalar.VARCHAR),
                new Field("when", Scalar.DATE), new Field("mixed", Scalar.JSON), new Field("shapes", Scalar.JSON),
                new Field("constrained__a", Scalar.BIGINT), new Field("constrained__b", Scalar.BIGINT),
                new Field("merged__city", Scalar.VARCHAR), new Field("merged__zip", Scalar.VARCHAR), new Field("both", Scalar.JSON));
        Map<String, Object> v = values(decode(r, "{\"ship\": null, \"mixed\": \"s\", \"merged\": {\"city\": \"Oslo\", \"zip\": \"0150\"}}"));
        assertThat(v.get("ship__city")).isNull();
        assertThat(v.get("mixed")).isEqualTo(new JsonText("\"s\""));
        assertThat(v.get("merged__zip")).isEqualTo("0150");
    }

    @Test
    void undeclaredPropertiesAreTypedLikeSchemalessJsonUnlessTheSchemaSaysOtherwise() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "id": {"type": "integer"},
                  "meta": {"type": "object", "properties": {"v": {"type": "integer"}}},
                  "closed": {"type": "object", "properties": {"v": {"type": "integer"}}, "additionalProperties": false},
                  "typed": {"type": "object", "properties": {"v": {"type": "integer"}}, "additionalProperties": {"type": "string", "format": "date"}}
                }}""";
        RowReader r = reader(schema, NestedMode.FLATTEN);
        Row row = decode(r, """
                {"zz": 1, "id": 1, "big": 5000000000, "meta": {"v": 1, "extra": {"deep": 2.5}}, "arr": [1],
                 "closed": {"v": 2, "dropped": 3}, "typed": {"v": 3, "since": "2026-01-01"}, "none": null}""");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            names.add(row.name(i));
        }
        assertThat(names).containsExactly("id", "meta__v", "closed__v", "typed__v", "zz", "big", "meta__extra__deep", "arr",
                "typed__since", "none");
        assertThat(row.type(4)).isNull();
        assertThat(row.value(4)).isEqualTo(1);
        assertThat(row.value(5)).isEqualTo(5_000_000_000L);
        assertThat(row.value(6)).isEqualTo(2.5);
        assertThat(row.value(7)).isEqualTo(new JsonText("[1]"));
        assertThat(row.type(8)).isEqualTo(Scalar.DATE);
        assertThat(row.value(8)).isEqualTo(LocalDate.of(2026, 1, 1));

        RowReader struct = reader(schema, NestedMode.STRUCT);
        Row s = decode(struct, "{\"id\": 1, \"meta\": {\"v\": 1, \"extra\": {\"deep\": 2.5}}, \"other\": {\"k\": 1}}");
        assertThat(s.value(1)).isEqualTo(Map.of("v", 1L)); // undeclared fields of a struct are dropped
        assertThat(s.name(4)).isEqualTo("other");
        assertThat(s.value(4)).isEqualTo(Map.of("k", 1));
    }

    @Test
    void aClosedTopLevelDropsUndeclaredPropertiesAndAnOpenOneWithoutPropertiesIsSchemaless() throws Exception {
        Row closed = decode(reader("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}, \"additionalProperties\": false}",
                NestedMode.FLATTEN), "{\"b\": 1, \"a\": \"x\"}");
        assertThat(values(closed)).containsExactly(Map.entry("a", "x"));

        Row open = decode(reader("{\"type\": \"object\"}", NestedMode.FLATTEN), "{\"b\": {\"c\": 1}, \"a\": \"x\"}");
        assertThat(values(open)).containsExactly(Map.entry("b__c", 1), Map.entry("a", "x"));
        assertThat(open.type(0)).isNull();

        Row typed = decode(reader("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"number\"}}", NestedMode.FLATTEN),
                "{\"b\": 1}");
        assertThat(typed.value(0)).isEqualTo(1.0);
        assertThat(typed.type(0)).isEqualTo(Scalar.DOUBLE);
    }

    @Test
    void aSchemaThatIsNotAnObjectIsOneValueColumn() throws Exception {
        RowReader r = reader("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}", NestedMode.FLATTEN);
        assertThat(r.columns()).containsExactly(new Field("value", new ListOf(Scalar.BIGINT)));
        assertThat(decode(r, "[1, 2]").value(0)).isEqualTo(List.of(1L, 2L));
        assertThat(decode(r, "null").value(0)).isNull();
        assertThat(decode(reader("{\"type\": \"string\", \"format\": \"uuid\"}", NestedMode.FLATTEN),
                "\"123e4567-e89b-12d3-a456-426614174000\"").type(0)).isEqualTo(Scalar.UUID);
        assertThat(decodeError(r, "[1, \"x\"]")).isEqualTo("$[1]: \"x\" is not an integer");
    }

    @Test
    void everyRecordPutsTheSameNamesAndTypeInstances() throws Exception {
        RowReader r = reader(NESTED, NestedMode.STRUCT);
        Row a = decode(r, NESTED_VALUE);
        Row b = decode(r, "{\"ok\": false}");
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.name(i)).isSameAs(a.name(i));
            assertThat(b.type(i)).isSameAs(a.type(i));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"readings\": {\"rpm\": 12.5}}                  | $.readings.rpm: 12.5 is not an integer",
            "{\"readings\": {\"rpm\": \"12\"}}                | $.readings.rpm: \"12\" is not an integer",
            "{\"readings\": {\"rpm\": 1e2}}                   | ",
            "{\"readings\": {\"rpm\": 9223372036854775808}}   | $.readings.rpm: 9223372036854775808 is out of range for BIGINT (64 bits)",
            "{\"readings\": {\"rpm\": 1e19}}                  | $.readings.rpm: 1e19 is out of range for BIGINT (64 bits)",
            "{\"readings\": {\"rpm\": 1e99999999999}}             | $.readings.rpm: 1e99999999999 is out of range for BIGINT (64 bits)",
            "{\"readings\": {\"small\": 2147483648}}          | $.readings.small: 2147483648 is out of range for INTEGER (32 bits)",
            "{\"readings\": {\"temp\": 1e400}}                | $.readings.temp: 1e400 is out of range for DOUBLE",
            "{\"readings\": {\"temp\": true}}                 | $.readings.temp: true is not a number",
            "{\"readings\": [1]}                              | $.readings: an array is not an object",
            "{\"at\": \"yesterday\"}                          | $.at: \"yesterday\" is not a date-time (RFC 3339, e.g. 2026-01-31T12:00:00Z)",
            "{\"at\": \"+999999999-01-01T00:00:00Z\"}         | $.at: \"+999999999-01-01T00:00:00Z\" is out of range for TIMESTAMP",
            "{\"at\": 1767225600000}                          | $.at: 1767225600000 is not a date-time string",
            "{\"day\": \"2026-02-30\"}                        | $.day: \"2026-02-30\" is not a date (e.g. 2026-01-31)",
            "{\"clock\": \"25:00\"}                           | $.clock: \"25:00\" is not a time (e.g. 12:00:00, 12:00:00.5Z or 12:00:00+02:00)",
            "{\"uid\": \"1-2-3-4-5\"}                         | $.uid: \"1-2-3-4-5\" is not a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)",
            "{\"raw\": \"**\"}                                | $.raw: \"**\" is not base64",
            "{\"name\": 42}                                   | $.name: 42 is not a string",
            "{\"name\": {\"a\": 1}}                           | $.name: an object is not a string",
            "{\"ok\": \"yes\"}                                | $.ok: \"yes\" is not a boolean",
            "{\"tags\": [\"a\", 3]}                           | $.tags[1]: 3 is not a string",
            "{\"tags\": \"a\"}                                | $.tags: \"a\" is not an array",
            "{\"attrs\": {\"k\": \"v\"}}                      | $.attrs.k: \"v\" is not an integer",
            "{\"attrs\": {\"a b\": 1.5}}                      | $.attrs['a b']: 1.5 is not an integer",
            "{\"lines\": [{\"n\": 1}, {\"n\": false}]}        | $.lines[1].n: false is not an integer",
    })
    void valuesThatDoNotFitTheirColumnNameThePathAndTheValue(String payload, String expected) throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "name": {"type": "string"}, "ok": {"type": "boolean"},
                  "at": {"type": "string", "format": "date-time"}, "day": {"type": "string", "format": "date"},
                  "clock": {"type": "string", "format": "time"}, "uid": {"type": "string", "format": "uuid"},
                  "raw": {"type": "string", "contentEncoding": "base64"},
                  "readings": {"type": "object", "properties": {"rpm": {"type": "integer"}, "temp": {"type": "number"},
                     "small": {"type": "integer", "connect.type": "int32"}}},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "attrs": {"type": "object", "additionalProperties": {"type": "integer"}},
                  "lines": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"}}}}
                }}""";
        for (NestedMode mode : List.of(NestedMode.FLATTEN, NestedMode.STRUCT)) {
            RowReader r = reader(schema, mode);
            if (expected == null) {
                decode(r, payload);
            } else {
                assertThat(decodeError(r, payload)).as(mode.name()).isEqualTo(expected);
            }
        }
    }

    @Test
    void integralNumbersWithAFractionPartOfZeroAreIntegers() throws Exception {
        RowReader r = reader("{\"properties\": {\"n\": {\"type\": \"integer\"}, \"i\": {\"type\": \"integer\", \"connect.type\": \"int16\"}}}",
                NestedMode.FLATTEN);
        assertThat(values(decode(r, "{\"n\": 1.0e3, \"i\": -0.0}"))).containsExactly(Map.entry("n", 1000L), Map.entry("i", 0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                  | value is empty, expected JSON (an object)",
            "[1]                 | value is not a JSON object (it starts with an array), but the schema describes an object",
            "\"s\"               | value is not a JSON object (it starts with \"s\"), but the schema describes an object",
            "null                | value is not a JSON object (it starts with null), but the schema describes an object",
            "{\"a\": 1} {}       | unexpected content after the JSON value at byte 9",
            "{\"a\": [1, 2       | not valid JSON: the value ends at byte 11 in the middle of an array (truncated?)",
            "{\"a\": nope}       | not valid JSON at byte 11: 'nope' is not a JSON value (text needs double quotes; the words JSON knows are true, false and null)",
    })
    void payloadsThatAreNotJsonObjectsSayWhy(String payload, String expected) throws Exception {
        assertThat(decodeError(reader("{\"type\": \"object\", \"properties\": {\"a\": {}}}", NestedMode.FLATTEN), payload))
                .isEqualTo(expected);
    }

    @Test
    void bytePositionsCountFromTheJsonNotTheFrame() throws Exception {
        RowReader r = reader("{\"type\": \"object\"}", NestedMode.FLATTEN);
        byte[] framed = WireFormat.frame(7, new byte[0], "{\"a\": 1} {}".getBytes(StandardCharsets.UTF_8));
        assertThat(catchThrowableOfType(() -> r.read(framed, WireFormat.HEADER, framed.length - WireFormat.HEADER, new Row()),
                DecodeException.class)).hasMessage("unexpected content after the JSON value at byte 9");
    }

    @Test
    void framedPayloadsNeedTheMagicByte() throws Exception {
        JsonSchemaDecoder d = JsonSchemaDecoder.withRegistry(null, NestedMode.FLATTEN, "__");
        assertThat(catchThrowableOfType(() -> d.decode("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), new Row()), DecodeException.class))
                .hasMessage("value does not start with the schema registry's magic byte 0 but with 0x7b (it looks like plain JSON:"
                        + " set wire_format: plain with a schema_file, or use message_format json)");
        assertThat(catchThrowableOfType(() -> d.decode(new byte[] {0, 0, 1}, new Row()), DecodeException.class))
                .hasMessageContaining("3 bytes, too short for the schema registry's 5-byte header");
        assertThat(WireFormat.HEADER).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"properties\": {\"a\": {\"$ref\": \"#/definitions/missing\"}}}      | main#/properties/a: $ref \"#/definitions/missing\" points to nothing in main",
            "{\"properties\": {\"a\": {\"$ref\": \"other.json\"}}}                 | main#/properties/a: $ref \"other.json\" names no known schema (the schema has no references)",
            "{\"properties\": {\"a\": {\"$ref\": \"#anchor\"}}}                    | main#/properties/a: $ref \"#anchor\" uses an anchor; Sluice follows only JSON pointers (#/definitions/...) and schema names",
            "{\"properties\": {\"a\": {\"type\": \"text\"}}}                       | main#/properties/a: unknown type \"text\" (known: string, integer, number, boolean, object, array, null)",
            "{\"properties\": {\"a\": 5}}                                          | main#/properties/a: a schema must be an object or a boolean, not number",
            "{\"properties\": {\"a\": {\"oneOf\": {}}}}                            | main#/properties/a: oneOf must be an array of schemas",
            "[]                                                                    | main is not a JSON Schema: a schema is a JSON object or a boolean",
            "{\"a\": }                                                             | main is not valid JSON: Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at line 1, column 7",
    })
    void unusableSchemasSayWhereAndWhy(String schema, String expected) {
        assertThat(catchThrowableOfType(() -> reader(schema, NestedMode.FLATTEN), SchemaException.class)).hasMessage(expected);
    }

    @Test
    void aSchemaThatExpandsWithoutEndIsRefused() {
        StringBuilder defs = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            defs.append("\"d").append(i).append("\": {\"properties\": {\"a\": {\"$ref\": \"#/definitions/d").append(i + 1)
                    .append("\"}, \"b\": {\"$ref\": \"#/definitions/d").append(i + 1).append("\"}}},");
        }
        String schema = "{\"$ref\": \"#/definitions/d0\", \"definitions\": {" + defs + "\"d30\": {\"type\": \"integer\"}}}";
        assertThat(catchThrowableOfType(() -> reader(schema, NestedMode.STRUCT), SchemaException.class))
                .hasMessageContaining("subschemas; Sluice does not read it");
    }

    // ---- helpers

    static RowReader reader(String schema, NestedMode mode) throws SchemaException {
        return reader(schema, mode, "__");
    }

    /** {@code refs} are (name, schema text) pairs, as registry references. */
    static RowReader reader(String schema, NestedMode mode, String separator, String... refs) throws SchemaException {
        List<SchemaDocument> docs = new ArrayList<>();
        for (int i = 0; i < refs.length; i += 2) {
            docs.add(SchemaDocument.parse(refs[i], refs[i + 1]));
        }
        return new RowReader(SchemaDocument.parse("main", schema), new SchemaResolver(docs, null), mode, separator);
    }

    static Row decode(RowReader r, String json) throws DecodeException {
        Row row = new Row();
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        r.read(b, 0, b.length, row);
        return row;
    }

    private static String decodeError(RowReader r, String json) {
        return catchThrowableOfType(() -> decode(r, json), DecodeException.class).getMessage();
    }

    private static Map<String, Object> values(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.value(i));
        }
        return out;
    }

    private static Map.Entry<String, Object> entryOfNull(String name) {
        return new java.util.AbstractMap.SimpleEntry<>(name, null);
    }
}
