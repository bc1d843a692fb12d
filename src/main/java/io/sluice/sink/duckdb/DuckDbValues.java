package io.sluice.sink.duckdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.JsonText;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/** Appends a row value as the column's (possibly wider) type; DuckDB's appender accepts only exact types. */
final class DuckDbValues {
    private static final JsonFactory JSON = new JsonFactory();

    private DuckDbValues() {}

    static void append(DuckDBAppender ap, DataType type, Object v) throws SQLException {
        if (v == null) {
            ap.appendNull();
            return;
        }
        if (type instanceof Struct s) {
            Map<?, ?> m = (Map<?, ?>) v;
            ap.beginStruct();
            for (Field f : s.fields()) {
                append(ap, f.type(), m.get(f.name()));
            }
            ap.endStruct();
            return;
        }
        switch ((Scalar) type) {
            case BOOLEAN -> ap.append(((Boolean) v).booleanValue());
            case INTEGER -> ap.append(((Number) v).intValue());
            case BIGINT -> ap.append(((Number) v).longValue());
            case DOUBLE -> ap.append(((Number) v).doubleValue());
            case VARCHAR, JSON -> ap.append(text(v));
            case TIMESTAMP -> {
                Instant t = (Instant) v;
                ap.appendEpochMicros(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
            }
        }
    }

    static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof JsonText j) {
            return j.json();
        }
        if (v instanceof Map<?, ?>) {
            StringWriter w = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(w)) {
                write(g, v);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot render a struct as JSON", e);
            }
            return w.toString();
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
        } else if (v instanceof JsonText j) {
            g.writeRawValue(j.json());
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(v.toString());
        }
    }
}
