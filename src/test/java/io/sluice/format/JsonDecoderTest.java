package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import io.sluice.manifest.ReadMode;
import io.sluice.manifest.SourceOptions;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.manifest.StartPosition;
import io.sluice.schema.JsonText;
import io.sluice.schema.Row;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class JsonDecoderTest {
    private static final String NESTED = "{\"id\":7,\"user\":{\"name\":\"ann\",\"address\":{\"city\":\"Oslo\",\"zip\":null}},"
            + "\"tags\":[\"a\",{\"b\":[1,2.5,true,null]}],\"ok\":true}";

    @Test
    void decodersPicksJsonWithTheManifestsNestingAndSeparator() throws DecodeException {
        Decoder d = Decoders.forOptions(options(NestedMode.FLATTEN, "."));

        assertThat(d).isInstanceOf(JsonDecoder.class);
        assertThat(decode(d, "{\"a\":{\"b\":1}}")).containsExactly(entry("a.b", 1));
    }

    @Test
    void flattenJoinsNestedNamesWithTheSeparator() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.FLATTEN, "__"), NESTED);

        assertThat(row).containsExactly(
                entry("id", 7),
                entry("user__name", "ann"),
                entry("user__address__city", "Oslo"),
                entry("user__address__zip", null),
                entry("tags", new JsonText("[\"a\",{\"b\":[1,2.5,true,null]}]")),
                entry("ok", true));
    }

    @Test
    void flattenDropsAnEmptyObject() throws DecodeException {
        assertThat(decode(new JsonDecoder(NestedMode.FLATTEN, "__"), "{\"a\":{},\"b\":1}")).containsExactly(entry("b", 1));
    }

    @Test
    void structKeepsNestedObjectsAsOrderedMaps() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.STRUCT, "__"), NESTED);

        assertThat(row.keySet()).containsExactly("id", "user", "tags", "ok");
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("city", "Oslo");
        address.put("zip", null);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("name", "ann");
        user.put("address", address);
        assertThat(row.get("user")).isEqualTo(user);
        assertThat(new ArrayList<Object>(((Map<?, ?>) row.get("user")).keySet())).containsExactly("name", "address");
        assertThat(row.get("tags")).isEqualTo(new JsonText("[\"a\",{\"b\":[1,2.5,true,null]}]"));
    }

    @Test
    void structKeepsArraysInsideObjectsAsJsonText() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.STRUCT, "__"), "{\"s\":{\"list\":[1,[2]],\"n\":1}}");

        assertThat(row.get("s")).isEqualTo(Map.of("list", new JsonText("[1,[2]]"), "n", 1));
    }

    @Test
    void jsonModeKeepsNestedObjectsAsCompactText() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.JSON, "__"),
                "{ \"id\" : 1, \"user\" : { \"name\" : \"ann\", \"a\" : { \"b\" : [ 1 , 2 ] } }, \"e\": {} }");

        assertThat(row).containsExactly(
                entry("id", 1),
                entry("user", new JsonText("{\"name\":\"ann\",\"a\":{\"b\":[1,2]}}")),
                entry("e", new JsonText("{}")));
    }

    @ParameterizedTest
    @EnumSource(NestedMode.class)
    void arraysAreJsonTextWithTheirContentKept(NestedMode mode) throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(mode, "__"), "{\"a\":[],\"b\":[ \"x\\\"y\", 2.5, -7,"
                + " 123456789012345678901234567890, {\"k\":null}, [[]], false ],\"c\":[\"\\u00e9\\n\"]}");

        assertThat(row).containsExactly(
                entry("a", new JsonText("[]")),
                entry("b", new JsonText("[\"x\\\"y\",2.5,-7,123456789012345678901234567890,{\"k\":null},[[]],false]")),
                entry("c", new JsonText("[\"\u00e9\\n\"]")));
    }

    @Test
    void numbersInsideJsonTextAreRewrittenButKeepTheirValue() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.JSON, "__"), "{\"a\":[1e2,-0],\"o\":{\"x\":1E+2}}");

        assertThat(row).containsExactly(entry("a", new JsonText("[1E+2,0]")), entry("o", new JsonText("{\"x\":1E+2}")));
    }

    @ParameterizedTest
    @EnumSource(value = NestedMode.class, names = {"STRUCT", "JSON"})
    void decimalsInsideJsonTextKeepEveryDigit(NestedMode mode) throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(mode, "__"),
                "{\"a\":[12345678901234567890.123456789,1.0E-400,19.990000000000000001]}");

        assertThat(row).containsExactly(
                entry("a", new JsonText("[12345678901234567890.123456789,1.0E-400,19.990000000000000001]")));
    }

    @Test
    void numbersTakeTheNarrowestJavaType() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.FLATTEN, "__"), "{"
                + "\"int\":2147483647,\"negInt\":-2147483648,"
                + "\"long\":2147483648,\"negLong\":-2147483649,\"maxLong\":9223372036854775807,"
                + "\"big\":9223372036854775808,\"negBig\":-18446744073709551616,"
                + "\"double\":2.5,\"exp\":1e3,\"zeroPoint\":0.0}");

        assertThat(row).containsExactly(
                entry("int", Integer.MAX_VALUE),
                entry("negInt", Integer.MIN_VALUE),
                entry("long", 2_147_483_648L),
                entry("negLong", -2_147_483_649L),
                entry("maxLong", Long.MAX_VALUE),
                entry("big", "9223372036854775808"),
                entry("negBig", "-18446744073709551616"),
                entry("double", 2.5),
                entry("exp", 1000.0),
                entry("zeroPoint", 0.0));
        assertThat(new BigInteger((String) row.get("big"))).isEqualTo(BigInteger.ONE.shiftLeft(63));
    }

    @Test
    void nullsAreKeptAsNullFieldsAndBooleansAndStringsPassThrough() throws DecodeException {
        Map<String, Object> row = decode(new JsonDecoder(NestedMode.FLATTEN, "__"),
                "{\"n\":null,\"t\":true,\"f\":false,\"s\":\"\",\"u\":\"z\\u00fcrich \\ud83d\\ude00\"}");

        assertThat(row).containsExactly(entry("n", null), entry("t", true), entry("f", false), entry("s", ""),
                entry("u", "z\u00fcrich \ud83d\ude00"));
    }

    @Test
    void toleratesWhitespaceAndAByteOrderMark() throws DecodeException {
        JsonDecoder d = new JsonDecoder(NestedMode.FLATTEN, "__");

        assertThat(decode(d, " \n\t{\"a\":1}\r\n ")).containsExactly(entry("a", 1));
        assertThat(decode(d, "\uFEFF{\"a\":1}")).containsExactly(entry("a", 1));
        assertThat(decode(d, "{}")).isEmpty();
    }

    @Test
    void appendsToTheRowItIsGiven() throws DecodeException {
        Row row = new Row();
        row.put("_topic", "orders");

        new JsonDecoder(NestedMode.FLATTEN, "__").decode(bytes("{\"a\":1}"), row);

        assertThat(row.size()).isEqualTo(2);
        assertThat(row.name(0)).isEqualTo("_topic");
        assertThat(row.name(1)).isEqualTo("a");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "[1,2]          | value is not a JSON object (it starts with '[', an array)",
        "[]             | value is not a JSON object (it starts with '[', an array)",
        "`\"text\"`     | value is not a JSON object (it starts with a string)",
        "42             | value is not a JSON object (it starts with a number)",
        "-4.5e1         | value is not a JSON object (it starts with a number)",
        "true           | value is not a JSON object (it starts with a boolean)",
        "null           | value is not a JSON object (it starts with null)",
        "`   `          | value is not a JSON object (it starts with nothing)",
    })
    void rejectsValuesThatAreNotObjects(String payload, String message) {
        assertThat(error(payload)).isEqualTo(message);
    }

    @Test
    void rejectsAnEmptyValue() {
        assertThat(error("")).isEqualTo("value is empty, expected a JSON object");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"a\":}`     | not valid JSON at byte 5: expected a value, found '}'",
        "`{a:1}`        | not valid JSON at byte 1: expected a field name in double quotes, found 'a'",
        "`{\"a\":1,}`   | not valid JSON at byte 7: expected a field name in double quotes, found '}' (a comma before it?)",
        "`{\"a\":tru}`  | not valid JSON at byte 9: 'tru' is not a JSON value (text needs double quotes; the words JSON knows are true, false and null)",
    })
    void rejectsInvalidJsonWithTheParsersReason(String payload, String message) {
        assertThat(error(payload)).isEqualTo(message);
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] latin1 = "{\"city\":\"K\u00f8benhavn\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(error(latin1)).isEqualTo("not valid JSON: the value is not UTF-8 text: byte 0xf8 at byte 10 is not valid UTF-8");
    }

    @Test
    void rejectsATruncatedObject() {
        assertThat(error("{\"a\":1")).isEqualTo("not valid JSON: the value ends at byte 6 in the middle of an object (truncated?)");
        assertThat(error("{\"a\":")).isEqualTo("not valid JSON: the value ends at byte 5 in the middle of an object (truncated?)");
        assertThat(error("{\"a\":[1,")).isEqualTo("not valid JSON: the value ends at byte 8 in the middle of an array (truncated?)");
        assertThat(error("{\"a\":\"abc")).isEqualTo("not valid JSON: the value ends at byte 9 in the middle of a string (truncated?)");
    }

    @Test
    void truncatedObjectMessageHasNoParserInternals() {
        assertThat(error("{\"a\":1")).doesNotContain("REDACTED").doesNotContain("StreamReadFeature");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"a\":1} {\"b\":2}` | unexpected content after the JSON object at byte 8",
        "`{\"a\":1}[]`         | unexpected content after the JSON object at byte 7",
        "`{\"a\":1}}`          | not valid JSON at byte 7: '}' does not close the object or array that is open (brackets do not match)",
        "`{\"a\":1} x`         | not valid JSON at byte 9: 'x' is not a JSON value (text needs double quotes; the words JSON knows are true, false and null)",
        "`{\"a\":1} // c`      | not valid JSON at byte 8: found '/', the start of a comment, which JSON does not have",
    })
    void rejectsTrailingContent(String payload, String message) {
        assertThat(error(payload)).isEqualTo(message);
    }

    @Test
    void rejectsASecondValueOnTheNextLine() {
        assertThat(error("{\"a\":1}\n\"x\"")).isEqualTo("unexpected content after the JSON object at byte 8");
    }

    @Test
    void rejectsNonNumericNumbers() {
        assertThat(error("{\"a\":NaN}")).isEqualTo(
                "not valid JSON at byte 8: NaN is not a JSON number (JSON has no NaN or Infinity; write null or a string instead)");
        assertThat(error("{\"a\":-Infinity}")).isEqualTo(
                "not valid JSON at byte 14: -Infinity is not a JSON number (JSON has no NaN or Infinity; write null or a string instead)");
    }

    @Test
    void saysAPayloadInTheRegistrysWireFormatIsNotJson() {
        assertThat(error(new byte[] {0, 0, 0, 0, 7, 2, 'a', 'b'})).isEqualTo("value is not JSON: it starts with the magic byte 0"
                + " of the Confluent wire format (schema id 7), so it was written through a schema registry:"
                + " set message_format: avro, protobuf or json_schema with a schema_registry_url");
    }

    @Test
    void saysABinaryPayloadIsNotJson() {
        assertThat(error(new byte[] {0x0a, 3, 'a', 'b', 'c'})).isEqualTo("value is not JSON: it looks like binary data (it"
                + " starts with 0a 03 61 62 63), such as Avro or Protobuf without a registry's header: set message_format:"
                + " avro or protobuf with a schema_file, or bytes");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"a\":01}`          | not valid JSON at byte 6: a number starts with a zero, which JSON does not allow (write 1, not 01)",
        "`{\"a\":'x'}`         | not valid JSON at byte 5: expected a value, found ''' (JSON strings use double quotes)",
        "`{\"a\":\"\\q\"}`     | not valid JSON at byte 7: a string holds the escape \\q, which JSON does not have",
        "`{\"a\" 1}`           | not valid JSON at byte 5: expected ':' after a field name, found '1'",
        "`{\"a\":+1}`          | not valid JSON at byte 6: a number is malformed at '+' (JSON numbers have no plus sign)",
        "`{\"a\":[1}`          | not valid JSON at byte 7: '}' does not close the object or array that is open (brackets do not match)",
    })
    void saysWhatIsWrongInItsOwnWords(String payload, String message) {
        assertThat(error(payload)).isEqualTo(message);
    }

    @Test
    void aControlCharacterInAStringIsNamed() {
        assertThat(error("{\"a\":\"x\ny\"}")).isEqualTo("not valid JSON at byte 7: a string holds the control character"
                + " U+000A unescaped (JSON strings escape it, e.g. as \\n or \\u000a)");
    }

    @Test
    void limitsAreNamedWithoutTheParsersSettings() {
        assertThat(error("{\"a\":" + "9".repeat(1200) + "}"))
                .isEqualTo("not valid JSON for Sluice: number value length 1200 is above the limit of 1000");
        assertThat(error("{\"a\":" + "[".repeat(1200)))
                .isEqualTo("not valid JSON for Sluice: document nesting depth 1001 is above the limit of 1000");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"a\":}`", "`{a:1}`", "`{\"a\":tru}`", "`{\"a\":1`", "`{\"a\":NaN}`", "`{\"a\":Infinity}`", "`{\"a\":01}`",
        "`{\"a\":\"\\u12\"}`", "`{\"a\":1]`", "`{\"a\":1.}`", "`{\"a\":-}`", "`{\"a\":1} /* c */`", "`{\"a\":\u0001}`",
        "`{\"a\":1}}`", "`\u0000\u0000\u0000\u0001{`", "`{\u0000}`",
    })
    void neverShowsTheParsersInternals(String payload) {
        assertThat(error(payload)).doesNotContainIgnoringCase("feature").doesNotContainIgnoringCase("enable")
                .doesNotContain("(code").doesNotContain("REDACTED").doesNotContainIgnoringCase("token").doesNotContain("CTRL-CHAR")
                .doesNotContain("UTF-32").doesNotContain("marker").doesNotContain("Unexpected").doesNotContain("Jackson");
    }

    @Test
    void aRepeatedFieldInAStructFailsInsteadOfLosingAValue() {
        DecodeException e = catchThrowableOfType(DecodeException.class,
                () -> new JsonDecoder(NestedMode.STRUCT, "__").decode(bytes("{\"s\":{\"t\":{\"a\":1,\"a\":2}}}"), new Row()));
        assertThat(e).hasMessage("the JSON object at /s/t repeats field \"a\", so one of its values would be lost");
    }

    private static String error(String payload) {
        return error(bytes(payload));
    }

    /** The message, which must be the same whatever the nesting mode. */
    private static String error(byte[] payload) {
        List<String> messages = new ArrayList<>();
        for (NestedMode mode : NestedMode.values()) {
            DecodeException e = catchThrowableOfType(DecodeException.class,
                    () -> new JsonDecoder(mode, "__").decode(payload, new Row()));
            assertThat(e).as("decoding should fail in mode " + mode).isNotNull();
            messages.add(e.getMessage());
        }
        assertThat(messages).as("same message in every nesting mode").containsOnly(messages.get(0));
        return messages.get(0);
    }

    private static Map<String, Object> decode(Decoder d, String json) throws DecodeException {
        Row row = new Row();
        d.decode(bytes(json), row);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            out.put(row.name(i), row.value(i));
        }
        assertThat(out).as("no field name appears twice").hasSize(row.size());
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static SourceOptions options(NestedMode nested, String separator) {
        return new SourceOptions(new ReadMode.ToHighWatermark(), true, new StartPosition.Earliest(), MessageFormat.JSON,
                nested, separator, 50_000, 64L << 20, Duration.ofSeconds(1), Duration.ofMillis(500), OnError.FAIL,
                Optional.empty(), false, Duration.ofSeconds(30), io.sluice.manifest.SchemaOptions.none());
    }
}
