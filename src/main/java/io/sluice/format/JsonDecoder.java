package io.sluice.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.JsonText;
import io.sluice.schema.Row;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON object values. Nested objects are flattened into {@code parent<sep>child} columns, kept as a struct
 * ({@code Map}), or kept as JSON text, by {@link NestedMode}; arrays are always kept as JSON text. Integers
 * that fit 32 bits are {@link Integer}, larger ones {@link Long}, beyond 64 bits the decimal text.
 */
final class JsonDecoder implements Decoder {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();

    private final NestedMode nested;
    private final String separator;
    /**
     * Flattened names by parent name and field name. Jackson hands out canonical field-name instances, so the
     * same few strings come back for every record: no concatenation, and their hash codes stay cached.
     */
    private final Map<String, Map<String, String>> flatNames = new HashMap<>();
    /**
     * The flattened names of the previous record by position among its nested fields: records mostly repeat
     * the same fields in the same order, so most lookups are two identity checks.
     */
    private String[] lastPrefix = new String[64];
    private String[] lastField = new String[64];
    private String[] lastName = new String[64];
    private int position;

    JsonDecoder(NestedMode nested, String separator) {
        this.nested = nested;
        this.separator = separator;
    }

    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        if (value.length == 0) {
            throw new DecodeException("value is empty, expected a JSON object");
        }
        position = 0;
        try (JsonParser p = FACTORY.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException("value is not a JSON object (it starts with " + describe(first, p) + ")");
            }
            readObject(p, null, row);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new DecodeException("unexpected content after the JSON object at byte "
                        + p.currentTokenLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            String reason = firstLine(e.getOriginalMessage());
            int marker = reason.indexOf(" (start marker at");
            if (marker > 0) {
                reason = reason.substring(0, marker);
            }
            throw new DecodeException("not valid JSON: " + reason + (at >= 0 ? " at byte " + at : ""));
        } catch (IOException e) {
            throw new DecodeException("not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private void readObject(JsonParser p, String prefix, Row row) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            String name = prefix == null ? field : flatName(prefix, field);
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                switch (nested) {
                    case FLATTEN -> readObject(p, name, row);
                    case STRUCT -> row.put(name, readMap(p));
                    case JSON -> row.put(name, new JsonText(copy(p)));
                }
            } else {
                row.put(name, scalar(p, t));
            }
        }
    }

    private String flatName(String prefix, String field) {
        int i = position++;
        if (i < lastName.length && lastPrefix[i] == prefix && lastField[i] == field) {
            return lastName[i];
        }
        String name = lookUpFlatName(prefix, field);
        if (i < lastName.length) {
            lastPrefix[i] = prefix;
            lastField[i] = field;
            lastName[i] = name;
        }
        return name;
    }

    private String lookUpFlatName(String prefix, String field) {
        Map<String, String> children = flatNames.computeIfAbsent(prefix, k -> new HashMap<>());
        String name = children.get(field);
        if (name == null) {
            if (children.size() > 10_000) {
                children.clear(); // records with ever-new keys: do not grow without bound
            }
            name = prefix + separator + field;
            children.put(field, name);
        }
        return name;
    }

    private Map<String, Object> readMap(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            map.put(field, t == JsonToken.START_OBJECT ? readMap(p) : scalar(p, t));
        }
        return map;
    }

    private static Object scalar(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> p.getIntValue();
                case LONG -> p.getLongValue();
                default -> p.getText();
            };
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_ARRAY -> new JsonText(copy(p));
            default -> throw new IOException("unexpected " + t);
        };
    }

    private static String copy(JsonParser p) throws IOException {
        StringWriter w = new StringWriter(64);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.setRootValueSeparator(new SerializedString(""));
            int depth = 0;
            do {
                JsonToken t = p.currentToken();
                g.copyCurrentEventExact(p); // keeps every digit of decimals, unlike copyCurrentStructure
                if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                    depth++;
                } else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
                    depth--;
                }
            } while (depth > 0 && p.nextToken() != null);
        }
        return w.toString();
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

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
