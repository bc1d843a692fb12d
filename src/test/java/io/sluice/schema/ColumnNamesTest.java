package io.sluice.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnNamesTest {
    private final ColumnNames names = new ColumnNames("__");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(quoteCharacter = '`', value = {
        "id,                      id",
        "``,                      _payload_",
        "_kafka_offset,           _payload__kafka_offset",
        "_KAFKA_Key,              _payload__KAFKA_Key",
        "_kafka_key__id,          _payload__kafka_key__id",
        "_kafka_headers,          _payload__kafka_headers",
        "_sluice_offsets,         _payload__sluice_offsets",
        "__sluice_nc__id,         _payload___sluice_nc__id",
        "_payload_x,              _payload__payload_x",
        "_payload_,               _payload__payload_",
        "_kafka,                  _kafka",
        "kafka_offset,            kafka_offset",
        "`a b.c\"d`,              `a b.c\"d`",
    })
    void payloadFieldsNeverTakeSluicesNames(String field, String column) {
        assertThat(ColumnNames.payloadColumn(field)).isEqualTo(column);
    }

    @Test
    void theRenameIsOneToOneSoRenamedFieldsNeverCollide() throws ColumnNameException {
        Row row = row("_kafka_offset", 1, "_payload__kafka_offset", 2, "", 3, "_payload_", 4);
        names.apply(row, 0);
        assertThat(columns(row)).containsExactly(Map.entry("_payload__kafka_offset", 1), Map.entry("_payload__payload__kafka_offset", 2),
                Map.entry("_payload_", 3), Map.entry("_payload__payload_", 4));
    }

    @Test
    void sluicesOwnColumnsStayAndThePayloadsAreRenamed() throws ColumnNameException {
        Row row = row("_kafka_offset", 42L, "_kafka_key", "k", "_kafka_offset", 999, "_kafka_key", "x", "v", 1);
        names.apply(row, 2);
        assertThat(columns(row)).containsExactly(Map.entry("_kafka_offset", 42L), Map.entry("_kafka_key", "k"),
                Map.entry("_payload__kafka_offset", 999), Map.entry("_payload__kafka_key", "x"), Map.entry("v", 1));
    }

    @Test
    void fieldsDifferingOnlyInCaseFailTheRecordNamingBoth() {
        assertThat(error(row("name", "a", "Name", "b", "NAME", "c"), 0))
                .isEqualTo("fields \"name\" and \"Name\" both make column \"Name\" (column names ignore case)");
    }

    @Test
    void aFlattenedFieldBesideAFieldOfTheSameNameFailsTheRecord() {
        assertThat(error(row("a__b", 1, "a__b", 2), 0)).isEqualTo("fields \"a__b\" and \"a\".\"b\" (nested, joined with \"__\"),"
                + " or a repeated name, both make column \"a__b\"");
        assertThat(error(row("a", 1, "a", 2), 0)).isEqualTo("field \"a\" appears twice");
    }

    @Test
    void renamedFieldsCollideIgnoringCaseToo() {
        assertThat(error(row("_kafka_offset", 1, "_KAFKA_OFFSET", 2), 0)).isEqualTo("fields \"_kafka_offset\" and"
                + " \"_KAFKA_OFFSET\" both make column \"_payload__KAFKA_OFFSET\" (column names ignore case)");
    }

    @Test
    void keyColumnsCollidingFailTheRecord() {
        assertThat(error(row("_kafka_key__Id", 1, "_kafka_key__id", 2, "v", 3), 2))
                .isEqualTo("fields \"_kafka_key__Id\" and \"_kafka_key__id\" both make column \"_kafka_key__id\" (column names ignore case)");
    }

    @Test
    void namesNoColumnCanHoldFailTheRecord() {
        assertThat(error(row("a\u0000b", 1), 0)).isEqualTo("field \"a\\u0000b\" holds the character U+0000, which no column name can hold");
        assertThat(error(row("x\ud800", 1), 0))
                .isEqualTo("field \"x\\ud800\" holds U+D800, half of a surrogate pair, which is not a character");
    }

    @Test
    void oddButValidNamesAreKeptAsTheyAre() throws ColumnNameException {
        String lng = "x".repeat(5000);
        Row row = row("a b", 1, "a.b", 2, "\"q\"", 3, "\u65e5\u672c", 4, "\ud83d\ude00", 5, " ", 6, "tab\there", 7, lng, 8);
        names.apply(row, 0);
        assertThat(columns(row).keySet()).containsExactly("a b", "a.b", "\"q\"", "\u65e5\u672c", "\ud83d\ude00", " ", "tab\there", lng);
    }

    @Test
    void theSameFieldsInTheNextRecordAreFine() throws ColumnNameException {
        for (int i = 0; i < 3; i++) {
            Row row = row("_kafka_offset", (long) i, "name", "n", "_kafka_offset", i);
            names.apply(row, 1);
            assertThat(row.name(2)).isEqualTo("_payload__kafka_offset");
        }
    }

    @Test
    void structFieldNamesMustBeUsableToo() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Name", 1);
        s.put("name", 2);
        assertThat(error(row("s", s), 0)).isEqualTo("struct fields \"s\".\"Name\" and \"s\".\"name\" differ only in case, which"
                + " STRUCT field names cannot (set nested: flatten or nested: json to keep such fields)");
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("", 1);
        assertThat(error(row("s", Map.of("t", inner)), 0)).isEqualTo("struct field \"s\".\"t\".\"\" has an empty name, which a STRUCT"
                + " field cannot have (set nested: flatten or nested: json to keep such fields)");
        DataType declared = new DataType.ListOf(new DataType.Struct(List.of(new DataType.Field("a", DataType.Scalar.INTEGER),
                new DataType.Field("A", DataType.Scalar.INTEGER))));
        Row typed = new Row();
        typed.put("l", null, declared);
        assertThat(catchThrowableOfType(ColumnNameException.class, () -> names.apply(typed, 0))).hasMessageContaining(
                "struct fields \"l\"[].\"a\" and \"l\"[].\"A\" differ only in case");
    }

    private String error(Row row, int payloadStart) {
        ColumnNameException e = catchThrowableOfType(ColumnNameException.class, () -> names.apply(row, payloadStart));
        assertThat(e).as("the record fails").isNotNull();
        return e.getMessage();
    }

    private static Row row(Object... pairs) {
        Row row = new Row();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    private static Map<String, Object> columns(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.value(i));
            order.add(row.name(i));
        }
        assertThat(out).hasSize(row.size());
        return out;
    }
}
