package io.sluice.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Renders row values as text and JSON, for VARCHAR and JSON columns that hold wider or nested values. */
public final class JsonValues {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonValues() {}

    /** A nested value (struct, list, map) as JSON; other values as {@link #text}. */
    public static String render(Object v) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            write(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render a nested value as JSON", e);
        }
        return w.toString();
    }

    /** The value as text: strings as they are, nested values as JSON, bytes as base64, decimals in plain notation. */
    public static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof JsonText j) {
            return j.json();
        }
        if (v instanceof Map<?, ?> || v instanceof List<?> || v instanceof MapValue) {
            return render(v);
        }
        if (v instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof MapValue m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entries().entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof JsonText j) {
            g.writeRawValue(j.json());
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(text(v));
        }
    }
}
