package io.sluice.format.jsonschema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
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
 * Properties the schema does not declare, typed from their values exactly as schemaless {@code message_format: json}
 * types them: integers by size, other numbers DOUBLE, objects by nested mode, arrays JSON text.
 */
final class Inferred {
    private final NestedMode nested;
    private final String separator;
    private final JsonFactory factory;
    /** {@code parent<sep>child} names, built once: rows repeat them. */
    private final Map<String, Map<String, String>> names = new HashMap<>();

    Inferred(NestedMode nested, String separator, JsonFactory factory) {
        this.nested = nested;
        this.separator = separator;
        this.factory = factory;
    }

    /** Puts the value starting at {@code t} under {@code name}: one field, or several when it is a flattened object. */
    void put(JsonParser p, JsonToken t, String name, Row out) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            switch (nested) {
                case FLATTEN -> {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        put(p, p.nextToken(), name(name, field), out);
                    }
                }
                case STRUCT -> out.put(name, map(p));
                case JSON -> out.put(name, new JsonText(copy(p)));
            }
        } else {
            out.put(name, scalar(p, t));
        }
    }

    String name(String prefix, String field) {
        Map<String, String> children = names.computeIfAbsent(prefix, k -> new HashMap<>());
        String name = children.get(field);
        if (name == null) {
            if (children.size() > 10_000 || names.size() > 10_000) {
                children.clear(); // payloads with ever-new keys: do not grow without bound
                names.clear();
                children = names.computeIfAbsent(prefix, k -> new HashMap<>());
            }
            name = prefix + separator + field;
            children.put(field, name);
        }
        return name;
    }

    private Map<String, Object> map(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            map.put(field, t == JsonToken.START_OBJECT ? map(p) : scalar(p, t));
        }
        return map;
    }

    private Object scalar(JsonParser p, JsonToken t) throws IOException {
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

    /** The value at the current token as JSON text, every digit kept. */
    String copy(JsonParser p) throws IOException {
        StringWriter w = new StringWriter(64);
        try (JsonGenerator g = factory.createGenerator(w)) {
            g.setRootValueSeparator(new SerializedString(""));
            int depth = 0;
            do {
                JsonToken t = p.currentToken();
                g.copyCurrentEventExact(p);
                if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                    depth++;
                } else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
                    depth--;
                }
            } while (depth > 0 && p.nextToken() != null);
        }
        return w.toString();
    }
}
