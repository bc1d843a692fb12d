package io.sluice.format.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnknownFieldSet;
import io.sluice.format.DecodeException;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.JsonText;
import io.sluice.schema.JsonValues;
import io.sluice.schema.MapValue;
import io.sluice.schema.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Protobuf messages of one type into row fields, typed by the descriptor (see the type table in the
 * README). protobuf-java's {@link DynamicMessage} parses the payload, so merging, packing, unknown fields and
 * oneofs follow the reference implementation; the descriptor is compiled once into a tree of converters from
 * its values to row values. Top-level fields become columns; nested messages are flattened, kept as structs or
 * as JSON text by {@link NestedMode}.
 */
final class ProtobufRowReader {
    /** Converts one protobuf-java field value (never a list) to a row value. */
    private interface ValueReader {
        Object read(Object v) throws DecodeException;
    }

    /** Reads one field of a message, with the field's presence rules. */
    private interface FieldReader {
        Object read(Message m) throws DecodeException;
    }

    /** Puts the fields of one (flattened) part of the message into the row. */
    private interface Emitter {
        void emit(Message m, Row row) throws DecodeException;

        /** Puts nulls for every column this emitter owns: the parent message was absent. */
        void emitNulls(Row row);
    }

    private record Compiled(DataType type, ValueReader reader) {}

    static final DataType UINT64 = new Decimal(20, 0);
    private static final long TIMESTAMP_MIN_SECONDS = -62_135_596_800L; // 0001-01-01T00:00:00Z
    private static final long TIMESTAMP_MAX_SECONDS = 253_402_300_799L; // 9999-12-31T23:59:59Z
    private static final long DURATION_MAX_SECONDS = 315_576_000_000L;  // about 10,000 years, as duration.proto says
    private static final Set<String> WRAPPERS = Set.of("google.protobuf.DoubleValue", "google.protobuf.FloatValue",
            "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
            "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
            "google.protobuf.BytesValue");

    private final Descriptor type;
    private final Parser<DynamicMessage> parser;
    private final NestedMode nested;
    private final String separator;
    private final Map<String, ValueReader> messages = new HashMap<>();
    private final Set<String> compiling = new HashSet<>();
    private final Set<Descriptor> recursive = new LinkedHashSet<>();
    private final List<Emitter> emitters = new ArrayList<>();

    ProtobufRowReader(Descriptor type, NestedMode nested, String separator) {
        this.type = type;
        this.parser = DynamicMessage.getDefaultInstance(type).getParserForType();
        this.nested = nested;
        this.separator = separator;
        compiling.add(type.getFullName());
        for (FieldDescriptor fd : type.getFields()) {
            Emitter e = emitter(fd.getName(), fd);
            if (e != null) {
                emitters.add(e);
            }
        }
        compiling.remove(type.getFullName());
        // recursive occurrences render through their type's struct reader, which flattening may not have built
        boolean added = true;
        while (added) {
            added = false;
            for (Descriptor d : List.copyOf(recursive)) {
                if (!messages.containsKey(d.getFullName())) {
                    struct(d);
                    added = true;
                }
            }
        }
    }

    Descriptor type() {
        return type;
    }

    /** Decodes one payload. */
    void read(byte[] buf, int offset, int length, Row row) throws DecodeException {
        DynamicMessage m;
        try {
            m = parser.parseFrom(buf, offset, length);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new DecodeException("corrupt Protobuf payload for message " + type.getFullName() + " (" + length
                    + " bytes): " + reason(e), e);
        }
        for (Emitter e : emitters) {
            e.emit(m, row);
        }
    }

    private Emitter emitter(String name, FieldDescriptor fd) {
        Descriptor d = fd.isRepeated() || fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE ? null : fd.getMessageType();
        if (d != null && nested == NestedMode.FLATTEN && !special(d) && !compiling.contains(d.getFullName())) {
            compiling.add(d.getFullName());
            List<Emitter> children = new ArrayList<>();
            for (FieldDescriptor child : d.getFields()) {
                Emitter e = emitter(name + separator + child.getName(), child);
                if (e != null) {
                    children.add(e);
                }
            }
            compiling.remove(d.getFullName());
            if (children.isEmpty()) {
                return null;
            }
            return new Emitter() {
                @Override
                public void emit(Message m, Row row) throws DecodeException {
                    if (!m.hasField(fd)) {
                        emitNulls(row);
                        return;
                    }
                    Message child = (Message) m.getField(fd);
                    for (Emitter e : children) {
                        e.emit(child, row);
                    }
                }

                @Override
                public void emitNulls(Row row) {
                    for (Emitter e : children) {
                        e.emitNulls(row);
                    }
                }
            };
        }
        Compiled c = field(fd);
        if (c.type() == null) {
            return null;
        }
        DataType columnType = c.type();
        FieldReader reader = fieldReader(fd, c.reader());
        return new Emitter() {
            @Override
            public void emit(Message m, Row row) throws DecodeException {
                row.put(name, reader.read(m), columnType);
            }

            @Override
            public void emitNulls(Row row) {
                row.put(name, null, columnType);
            }
        };
    }

    /** The column type of a field (a list for repeated fields, a map for map fields) and its value reader. */
    private Compiled field(FieldDescriptor fd) {
        if (fd.isMapField()) {
            FieldDescriptor keyField = fd.getMessageType().findFieldByNumber(1);
            FieldDescriptor valueField = fd.getMessageType().findFieldByNumber(2);
            Compiled key = element(keyField);
            Compiled value = element(valueField);
            ValueReader keys = key.reader();
            ValueReader values = value.reader();
            return new Compiled(new MapOf(key.type(), value.type() == null ? Scalar.VARCHAR : value.type()), v -> {
                List<?> entries = (List<?>) v;
                LinkedHashMap<Object, Object> out = new LinkedHashMap<>(entries.size() * 2);
                for (Object o : entries) {
                    Message entry = (Message) o;
                    out.put(keys.read(entry.getField(keyField)), values.read(entry.getField(valueField)));
                }
                return new MapValue(out);
            });
        }
        Compiled element = element(fd);
        if (!fd.isRepeated()) {
            return element;
        }
        if (element.type() == null) {
            return element; // a list of messages without fields says nothing a column could hold
        }
        ValueReader items = element.reader();
        return new Compiled(new ListOf(element.type()), v -> {
            List<?> in = (List<?>) v;
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) {
                out.add(items.read(o));
            }
            return out;
        });
    }

    /**
     * Presence: fields without it (proto3 scalars, repeated and map fields) read their value, defaults included;
     * fields with it read null when absent, except proto2 fields outside oneofs with an explicit default.
     */
    private static FieldReader fieldReader(FieldDescriptor fd, ValueReader value) {
        boolean explicitDefault = fd.hasDefaultValue() && fd.getRealContainingOneof() == null;
        if (!fd.hasPresence() || explicitDefault) {
            return m -> value.read(m.getField(fd));
        }
        if (fd.getJavaType() == FieldDescriptor.JavaType.ENUM && fd.legacyEnumFieldTreatedAsClosed()) {
            // a closed (proto2) enum keeps a number it does not know among the unknown fields, not in the field
            int number = fd.getNumber();
            return m -> {
                if (m.hasField(fd)) {
                    return value.read(m.getField(fd));
                }
                UnknownFieldSet.Field unknown = m.getUnknownFields().getField(number);
                List<Long> varints = unknown.getVarintList();
                return varints.isEmpty() ? null : Integer.toString(varints.get(varints.size() - 1).intValue());
            };
        }
        return m -> m.hasField(fd) ? value.read(m.getField(fd)) : null;
    }

    /** The type and reader of one value of a field: the element of a repeated field, or a singular value. */
    private Compiled element(FieldDescriptor fd) {
        return switch (fd.getType()) {
            case INT32, SINT32, SFIXED32 -> new Compiled(Scalar.INTEGER, v -> v);
            case UINT32, FIXED32 -> new Compiled(Scalar.BIGINT, v -> Integer.toUnsignedLong((Integer) v));
            case INT64, SINT64, SFIXED64 -> new Compiled(Scalar.BIGINT, v -> v);
            case UINT64, FIXED64 -> new Compiled(UINT64, v -> unsigned((Long) v));
            case FLOAT -> new Compiled(Scalar.FLOAT, v -> v);
            case DOUBLE -> new Compiled(Scalar.DOUBLE, v -> v);
            case BOOL -> new Compiled(Scalar.BOOLEAN, v -> v);
            case STRING -> new Compiled(Scalar.VARCHAR, v -> v);
            case BYTES -> new Compiled(Scalar.BLOB, v -> ((ByteString) v).toByteArray());
            case ENUM -> new Compiled(Scalar.VARCHAR, v -> {
                EnumValueDescriptor e = (EnumValueDescriptor) v;
                return e.getIndex() < 0 ? Integer.toString(e.getNumber()) : e.getName();
            });
            case MESSAGE, GROUP -> message(fd.getMessageType(), fd.getFullName());
        };
    }

    /** A message value: a well-known type's own column type, else a struct or JSON by nested mode. */
    private Compiled message(Descriptor d, String field) {
        String full = d.getFullName();
        if (WRAPPERS.contains(full)) {
            FieldDescriptor value = d.findFieldByNumber(1);
            ValueReader inner = element(value).reader();
            return new Compiled(element(value).type(), v -> inner.read(((Message) v).getField(value)));
        }
        switch (full) {
            case "google.protobuf.Timestamp" -> {
                FieldDescriptor seconds = d.findFieldByNumber(1);
                FieldDescriptor nanos = d.findFieldByNumber(2);
                return new Compiled(Scalar.TIMESTAMP, v -> {
                    Message m = (Message) v;
                    return timestamp(field, (Long) m.getField(seconds), (Integer) m.getField(nanos));
                });
            }
            case "google.protobuf.Duration" -> {
                FieldDescriptor seconds = d.findFieldByNumber(1);
                FieldDescriptor nanos = d.findFieldByNumber(2);
                return new Compiled(Scalar.BIGINT, v -> {
                    Message m = (Message) v;
                    return durationMicros(field, (Long) m.getField(seconds), (Integer) m.getField(nanos));
                });
            }
            case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue" -> {
                return new Compiled(Scalar.JSON, v -> new JsonText(JsonValues.render(StructJson.value((Message) v))));
            }
            case "google.protobuf.Empty" -> {
                return new Compiled(null, v -> null);
            }
            default -> {
                if (compiling.contains(full)) {
                    // a recursive type has no finite column type: the nested occurrence is kept as JSON text
                    recursive.add(d);
                    return new Compiled(Scalar.JSON, v -> new JsonText(JsonValues.render(messages.get(full).read(v))));
                }
                Compiled s = struct(d);
                if (nested == NestedMode.JSON && s.type() != null) {
                    ValueReader reader = s.reader();
                    return new Compiled(Scalar.JSON, v -> new JsonText(JsonValues.render(reader.read(v))));
                }
                return s;
            }
        }
    }

    /** A message as a struct of its fields; no type when it has no fields with a column type. */
    private Compiled struct(Descriptor d) {
        String full = d.getFullName();
        compiling.add(full);
        List<Field> fields = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<FieldReader> readers = new ArrayList<>();
        for (FieldDescriptor fd : d.getFields()) {
            Compiled c = field(fd);
            if (c.type() != null) {
                fields.add(new Field(fd.getName(), c.type()));
                names.add(fd.getName());
                readers.add(fieldReader(fd, c.reader()));
            }
        }
        compiling.remove(full);
        int n = names.size();
        String[] nameArray = names.toArray(new String[0]);
        FieldReader[] readerArray = readers.toArray(new FieldReader[0]);
        ValueReader reader = v -> {
            Message m = (Message) v;
            LinkedHashMap<String, Object> out = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                out.put(nameArray[i], readerArray[i].read(m));
            }
            return out;
        };
        messages.put(full, reader);
        return new Compiled(fields.isEmpty() ? null : new Struct(fields), reader);
    }

    /** Types with a column type of their own, never flattened. */
    private static boolean special(Descriptor d) {
        String full = d.getFullName();
        return WRAPPERS.contains(full) || switch (full) {
            case "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.Struct",
                    "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Empty" -> true;
            default -> false;
        };
    }

    private static Object unsigned(long v) {
        return v >= 0 ? BigDecimal.valueOf(v) : new BigDecimal(new BigInteger(Long.toUnsignedString(v)));
    }

    private static Instant timestamp(String field, long seconds, int nanos) throws DecodeException {
        if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
            throw new DecodeException("field " + field + ": google.protobuf.Timestamp with seconds " + seconds + " and nanos "
                    + nanos + " is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static long durationMicros(String field, long seconds, int nanos) throws DecodeException {
        if (seconds < -DURATION_MAX_SECONDS || seconds > DURATION_MAX_SECONDS || nanos < -999_999_999 || nanos > 999_999_999) {
            throw new DecodeException("field " + field + ": google.protobuf.Duration with seconds " + seconds + " and nanos "
                    + nanos + " is outside +-" + DURATION_MAX_SECONDS + " seconds");
        }
        return seconds * 1_000_000L + nanos / 1000;
    }

    /** protobuf-java's message, shortened to its first sentence. */
    private static String reason(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().trim();
        int end = m.indexOf(".  ");
        if (end < 0) {
            end = m.indexOf(". ");
        }
        m = end > 0 ? m.substring(0, end) : m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    /** google.protobuf.Struct, Value and ListValue as plain values for JSON rendering. */
    private static final class StructJson {
        private StructJson() {}

        static Object value(Message m) {
            switch (m.getDescriptorForType().getFullName()) {
                case "google.protobuf.Struct" -> {
                    FieldDescriptor fields = m.getDescriptorForType().findFieldByNumber(1);
                    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
                    for (Object o : (List<?>) m.getField(fields)) {
                        Message entry = (Message) o;
                        Descriptor e = entry.getDescriptorForType();
                        out.put((String) entry.getField(e.findFieldByNumber(1)),
                                value((Message) entry.getField(e.findFieldByNumber(2))));
                    }
                    return out;
                }
                case "google.protobuf.ListValue" -> {
                    FieldDescriptor values = m.getDescriptorForType().findFieldByNumber(1);
                    List<?> in = (List<?>) m.getField(values);
                    List<Object> out = new ArrayList<>(in.size());
                    for (Object o : in) {
                        out.add(value((Message) o));
                    }
                    return out;
                }
                default -> {
                    OneofDescriptor kind = m.getDescriptorForType().getOneofs().get(0);
                    FieldDescriptor set = m.getOneofFieldDescriptor(kind);
                    if (set == null || set.getNumber() == 1) {
                        return null;
                    }
                    Object v = m.getField(set);
                    return v instanceof Message nestedValue ? value(nestedValue) : v;
                }
            }
        }
    }
}
