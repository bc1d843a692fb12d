package io.sluice.format.jsonschema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.sluice.format.DecodeException;
import io.sluice.format.JsonErrors;
import io.sluice.format.JsonFields;
import io.sluice.format.jsonschema.SchemaResolver.Resolved;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.JsonText;
import io.sluice.schema.MapValue;
import io.sluice.schema.Row;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON payloads of one JSON Schema into row fields typed by that schema (see the type table in the README).
 * The schema is compiled once into readers, so every record puts the same names with the same {@link DataType}
 * instances. Top-level properties become columns in schema order, nested objects are flattened, kept as structs
 * or as JSON text by {@link NestedMode}, and undeclared properties follow the declared ones. A schema that is not an
 * object becomes one column named {@code value}.
 */
final class RowReader {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();
    private static final int MAX_DEPTH = 200;

    private record Compiled(DataType type, ValueReader reader) {}

    /** What a property of a flattened object does. */
    private sealed interface Member {}

    private record Leaf(int slot, ValueReader reader) implements Member {}

    private record Nested(Level level) implements Member {}

    private record Skip() implements Member {}

    /**
     * One object whose properties become columns: the top level, and nested objects when flattening.
     * {@code additional} reads undeclared properties (null: inferred; unused when {@code closed}).
     */
    private record Level(Map<String, Member> members, String prefix, Compiled additional, boolean closed) {}

    private static final Skip SKIP = new Skip();
    private static final ValueReader SKIPPING = (p, t) -> {
        p.skipChildren();
        return null;
    };

    private final NestedMode nested;
    private final String separator;
    private final SchemaResolver resolver;
    private final JsonFields inferred;
    private final List<String> names = new ArrayList<>();
    private final List<DataType> types = new ArrayList<>();
    private final Level root;
    private final Compiled single;
    private final String[] slotNames;
    private final DataType[] slotTypes;
    private final Object[] slots;
    /** Per slot, whether this record set it already: a repeated field would lose a value. */
    private final boolean[] filled;
    private final Row extras = new Row();
    private int depth;

    RowReader(SchemaDocument main, SchemaResolver resolver, NestedMode nested, String separator) throws SchemaException {
        this.nested = nested;
        this.separator = separator;
        this.resolver = resolver;
        this.inferred = new JsonFields(nested, separator, FACTORY);
        Located top = main.located();
        Resolved r = resolver.resolve(top);
        if (r.shape() instanceof Shape.Obj o) {
            resolver.enter(r.via());
            root = level(o, null);
            resolver.exit(r.via());
            single = null;
        } else {
            root = null;
            Compiled c = compile(top);
            single = c.type() == null ? null : c;
            if (single != null) {
                slot("value", c.type());
            }
        }
        slotNames = names.toArray(String[]::new);
        slotTypes = types.toArray(DataType[]::new);
        slots = new Object[slotNames.length];
        filled = new boolean[slotNames.length];
    }

    /** The declared columns, in order: for tests and messages. */
    List<Field> columns() {
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < slotNames.length; i++) {
            out.add(new Field(slotNames[i], slotTypes[i]));
        }
        return out;
    }

    /** Decodes one payload; fails on JSON that is invalid, has content after the value, or does not fit a column. */
    void read(byte[] buf, int offset, int length, Row row) throws DecodeException {
        if (length == 0) {
            throw new DecodeException("value is empty, expected JSON" + (root != null ? " (an object)" : ""));
        }
        Arrays.fill(slots, null);
        Arrays.fill(filled, false);
        extras.clear();
        JsonErrors.checkStart(buf, offset, length);
        inferred.startRecord();
        try (JsonParser p = FACTORY.createParser(buf, offset, length)) {
            JsonToken first = p.nextToken();
            if (root != null) {
                if (first != JsonToken.START_OBJECT) {
                    throw new DecodeException("value is not a JSON object (it starts with " + Scalars.show(p, first)
                            + "), but the schema describes an object");
                }
                readLevel(p, root);
            } else if (single != null && first != JsonToken.VALUE_NULL) {
                slots[0] = single.reader().read(p, first);
            } else {
                p.skipChildren();
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new DecodeException("unexpected content after the JSON value at byte "
                        + p.currentTokenLocation().getByteOffset());
            }
        } catch (PathException e) {
            throw new DecodeException(e.describe());
        } catch (IOException e) {
            throw JsonErrors.notValidJson(e, buf, offset, length);
        } catch (NumberFormatException e) { // Jackson's limits on numbers, met by an undeclared property
            throw new DecodeException("a number in the value is out of range: " + JsonFields.firstLine(e.getMessage()));
        }
        for (int i = 0; i < slots.length; i++) {
            row.put(slotNames[i], slots[i], slotTypes[i]);
        }
        for (int i = 0; i < extras.size(); i++) {
            row.put(extras.name(i), extras.value(i), extras.type(i));
        }
    }

    // ---- decoding

    private void readLevel(JsonParser p, Level level) throws IOException, PathException {
        JsonToken next;
        while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            Member m = level.members().get(field);
            try {
                if (m instanceof Leaf leaf) {
                    if (filled[leaf.slot()]) {
                        throw new JsonFields.RepeatedField(p);
                    }
                    filled[leaf.slot()] = true;
                    slots[leaf.slot()] = t == JsonToken.VALUE_NULL ? null : leaf.reader().read(p, t);
                } else if (m instanceof Nested n) {
                    if (t == JsonToken.START_OBJECT) {
                        readLevel(p, n.level());
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new PathException(Scalars.show(p, t) + " is not an object");
                    }
                } else if (m == SKIP || level.closed()) {
                    p.skipChildren();
                } else {
                    extra(p, t, level, field);
                }
            } catch (PathException e) {
                throw e.property(field);
            }
        }
        endOf(p, next, JsonToken.END_OBJECT);
    }

    private void extra(JsonParser p, JsonToken t, Level level, String field) throws IOException, PathException {
        String name = level.prefix() == null ? field : inferred.name(level.prefix(), field);
        Compiled additional = level.additional();
        if (additional == null) {
            inferred.put(p, t, name, extras);
        } else if (additional.type() == null) {
            p.skipChildren();
        } else {
            extras.put(name, t == JsonToken.VALUE_NULL ? null : additional.reader().read(p, t), additional.type());
        }
    }

    private static void endOf(JsonParser p, JsonToken next, JsonToken expected) throws IOException {
        if (next != expected) {
            throw new JsonParseException(p, "unexpected end of input");
        }
    }

    // ---- compiling

    private int slot(String name, DataType type) {
        names.add(name);
        types.add(type);
        return names.size() - 1;
    }

    private Level level(Shape.Obj o, String prefix) throws SchemaException {
        enterDepth();
        Map<String, Member> members = new HashMap<>();
        for (Shape.Property prop : o.properties()) {
            String name = prefix == null ? prop.name() : prefix + separator + prop.name();
            if (nested == NestedMode.FLATTEN) {
                Resolved r = resolver.resolve(prop.schema());
                if (r.shape() instanceof Shape.Obj po && !po.properties().isEmpty()) {
                    resolver.enter(r.via());
                    members.put(prop.name(), new Nested(level(po, name)));
                    resolver.exit(r.via());
                    continue;
                }
            }
            Compiled c = compile(prop.schema());
            members.put(prop.name(), c.type() == null ? SKIP : new Leaf(slot(name, c.type()), c.reader()));
        }
        Compiled additional = o.additional() == null ? null : compile(o.additional());
        depth--;
        return new Level(members, prefix, additional, o.closed());
    }

    /** The column type and reader of a value; the type is null when the schema allows no value (no column). */
    private Compiled compile(Located s) throws SchemaException {
        Resolved r = resolver.resolve(s);
        Shape shape = r.shape();
        if (shape instanceof Shape.Scalar sc) {
            return new Compiled(Scalars.type(sc.kind()), Scalars.reader(sc.kind()));
        }
        if (shape instanceof Shape.None) {
            return new Compiled(null, SKIPPING);
        }
        if (shape instanceof Shape.Json) {
            return json();
        }
        enterDepth();
        resolver.enter(r.via());
        try {
            return shape instanceof Shape.Array a ? array(a) : object((Shape.Obj) shape);
        } finally {
            resolver.exit(r.via());
            depth--;
        }
    }

    private void enterDepth() throws SchemaException {
        if (++depth > MAX_DEPTH) {
            throw new SchemaException("the schema nests objects and arrays more than " + MAX_DEPTH + " levels deep");
        }
    }

    private Compiled json() {
        return new Compiled(Scalar.JSON, (p, t) -> new JsonText(inferred.copy(p)));
    }

    private Compiled array(Shape.Array a) throws SchemaException {
        Compiled element = compile(a.items());
        if (element.type() == null) {
            return json();
        }
        ValueReader items = element.reader();
        return new Compiled(new ListOf(element.type()), (p, t) -> {
            if (t != JsonToken.START_ARRAY) {
                throw new PathException(Scalars.show(p, t) + " is not an array");
            }
            List<Object> out = new ArrayList<>();
            JsonToken next;
            while ((next = p.nextToken()) != JsonToken.END_ARRAY && next != null) {
                try {
                    out.add(next == JsonToken.VALUE_NULL ? null : items.read(p, next));
                } catch (PathException e) {
                    throw e.index(out.size());
                }
            }
            endOf(p, next, JsonToken.END_ARRAY);
            return out;
        });
    }

    private Compiled object(Shape.Obj o) throws SchemaException {
        if (o.properties().isEmpty()) {
            if (o.additional() == null) {
                return json();
            }
            Compiled value = compile(o.additional());
            if (value.type() == null) {
                return json();
            }
            ValueReader values = value.reader();
            return new Compiled(new MapOf(Scalar.VARCHAR, value.type()), (p, t) -> {
                expectObject(p, t);
                LinkedHashMap<String, Object> out = new LinkedHashMap<>();
                JsonToken next;
                while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    try {
                        out.put(key, v == JsonToken.VALUE_NULL ? null : values.read(p, v));
                    } catch (PathException e) {
                        throw e.property(key);
                    }
                }
                endOf(p, next, JsonToken.END_OBJECT);
                return new MapValue(out);
            });
        }
        if (nested == NestedMode.JSON) {
            return json();
        }
        List<Field> fields = new ArrayList<>();
        List<ValueReader> readers = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Shape.Property prop : o.properties()) {
            Compiled c = compile(prop.schema());
            if (c.type() != null) {
                index.put(prop.name(), fields.size());
                fields.add(new Field(prop.name(), c.type()));
                readers.add(c.reader());
            }
        }
        if (fields.isEmpty()) {
            return json();
        }
        int n = fields.size();
        String[] fieldNames = fields.stream().map(Field::name).toArray(String[]::new);
        ValueReader[] fieldReaders = readers.toArray(ValueReader[]::new);
        // undeclared properties are dropped: a struct's fields are the schema's
        return new Compiled(new Struct(fields), (p, t) -> {
            expectObject(p, t);
            Object[] values = new Object[n];
            JsonToken next;
            while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                Integer i = index.get(key);
                if (i == null) {
                    p.skipChildren();
                    continue;
                }
                try {
                    values[i] = v == JsonToken.VALUE_NULL ? null : fieldReaders[i].read(p, v);
                } catch (PathException e) {
                    throw e.property(key);
                }
            }
            endOf(p, next, JsonToken.END_OBJECT);
            LinkedHashMap<String, Object> m = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                m.put(fieldNames[i], values[i]);
            }
            return m;
        });
    }

    private static void expectObject(JsonParser p, JsonToken t) throws IOException, PathException {
        if (t != JsonToken.START_OBJECT) {
            throw new PathException(Scalars.show(p, t) + " is not an object");
        }
    }
}
