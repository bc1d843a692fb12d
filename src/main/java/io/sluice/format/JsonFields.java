package io.sluice.format;

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
 * Schemaless JSON values as row fields, typed from the values: integers that fit 32 bits are {@link Integer},
 * larger ones {@link Long}, beyond 64 bits the decimal text; other numbers {@link Double}; arrays JSON text;
 * objects flattened into {@code parent<sep>child} fields, kept as a struct ({@code Map}) or as JSON text by
 * {@link NestedMode}. Used by one thread.
 */
public final class JsonFields {
    private static final int MAX_NAMES = 10_000;

    private final NestedMode nested;
    private final String separator;
    private final JsonFactory factory;
    /**
     * Flattened names by parent name and field name. Jackson hands out canonical field-name instances, so the
     * same few strings come back for every record: no concatenation, and their hash codes stay cached.
     */
    private final Map<String, Map<String, String>> flatNames = new HashMap<>();
    /**
     * The flattened names of the previous record by position among its nested fields: records mostly repeat
     * the same fields in the same order, so most lookups are two identity checks.
     */
    private final String[] lastPrefix = new String[64];
    private final String[] lastField = new String[64];
    private final String[] lastName = new String[64];
    private int position;

    public JsonFields(NestedMode nested, String separator, JsonFactory factory) {
        this.nested = nested;
        this.separator = separator;
        this.factory = factory;
    }

    /** Call at the start of each record, so flattened names are found by their position in it. */
    public void startRecord() {
        position = 0;
    }

    /** Puts the fields of the object whose START_OBJECT was just read, with names under {@code prefix} (null: none). */
    public void putObject(JsonParser p, String prefix, Row row) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            put(p, p.nextToken(), prefix == null ? field : name(prefix, field), row);
        }
    }

    /** Puts the value starting at {@code t} under {@code name}: one field, or several when it is a flattened object. */
    public void put(JsonParser p, JsonToken t, String name, Row row) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            switch (nested) {
                case FLATTEN -> putObject(p, name, row);
                case STRUCT -> row.put(name, map(p));
                case JSON -> row.put(name, new JsonText(copy(p)));
            }
        } else {
            row.put(name, scalar(p, t));
        }
    }

    /** {@code prefix<sep>field}, built once per pair. */
    public String name(String prefix, String field) {
        int i = position++;
        if (i < lastName.length && lastPrefix[i] == prefix && lastField[i] == field) {
            return lastName[i];
        }
        Map<String, String> children = flatNames.computeIfAbsent(prefix, k -> new HashMap<>());
        String name = children.get(field);
        if (name == null) {
            if (children.size() > MAX_NAMES || flatNames.size() > MAX_NAMES) {
                // records with ever-new keys: do not grow without bound
                flatNames.clear();
                children = flatNames.computeIfAbsent(prefix, k -> new HashMap<>());
            }
            name = prefix + separator + field;
            children.put(field, name);
        }
        if (i < lastName.length) {
            lastPrefix[i] = prefix;
            lastField[i] = field;
            lastName[i] = name;
        }
        return name;
    }

    private Map<String, Object> map(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (map.containsKey(field)) {
                throw new RepeatedField(p);
            }
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

    /** The value at the current token as JSON text, every digit kept (unlike copyCurrentStructure). */
    public String copy(JsonParser p) throws IOException {
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

    /** A JSON object names one field twice: one of the values would be lost. */
    public static final class RepeatedField extends IOException {
        public RepeatedField(JsonParser p) {
            super(message(p));
        }

        private static String message(JsonParser p) {
            com.fasterxml.jackson.core.JsonStreamContext object = p.getParsingContext();
            if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                object = object.getParent();
            }
            String field = object.getCurrentName();
            String at = object.getParent() == null ? "" : object.getParent().pathAsPointer().toString();
            return "the JSON object " + (at.isEmpty() ? "" : "at " + at + " ") + "repeats field "
                    + io.sluice.schema.ColumnNames.quote(field == null ? "" : field) + ", so one of its values would be lost";
        }
    }

    /** The first line of a message, for errors that must stay on one line. */
    public static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
