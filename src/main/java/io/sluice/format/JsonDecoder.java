package io.sluice.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.io.IOException;

/** JSON object values, typed from their values by {@link JsonFields}. */
final class JsonDecoder implements Decoder {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();

    private final JsonFields fields;

    JsonDecoder(NestedMode nested, String separator) {
        this.fields = new JsonFields(nested, separator, FACTORY);
    }

    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        if (value.length == 0) {
            throw new DecodeException("value is empty, expected a JSON object");
        }
        JsonErrors.checkStart(value, 0, value.length);
        fields.startRecord();
        try (JsonParser p = FACTORY.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException("value is not a JSON object (it starts with " + describe(first, p) + ")");
            }
            fields.putObject(p, null, row);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new DecodeException("unexpected content after the JSON object at byte "
                        + p.currentTokenLocation().getByteOffset());
            }
        } catch (IOException e) {
            throw JsonErrors.notValidJson(e, value, 0, value.length);
        }
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "'[', an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> p.getText();
        };
    }
}
