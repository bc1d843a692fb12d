package io.sluice.format.avro;

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
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Reads Avro binary written with one writer schema straight into row fields, typed by that schema (see the
 * type table in the README). The schema is compiled once into a tree of readers; decoding allocates only
 * the values. Top-level record fields become columns; nested records are flattened, kept as structs or as
 * JSON text by {@link NestedMode}. A schema that is not a record becomes one column named {@code value}.
 */
final class AvroRowReader {
    /** Reads one value of a compiled schema. */
    private interface ValueReader {
        Object read(Cursor c) throws DecodeException;
    }

    /** Puts the fields of one (flattened) part of the record into the row. */
    private interface Emitter {
        void emit(Cursor c, Row row) throws DecodeException;

        /** Puts nulls for every column this emitter owns: the parent record was null. */
        void emitNulls(Row row);
    }

    private record Compiled(DataType type, ValueReader reader) {}

    private final NestedMode nested;
    private final String separator;
    private final Map<String, ValueReader> records = new HashMap<>();
    private final Set<String> compiling = new HashSet<>();
    private final List<Emitter> emitters = new ArrayList<>();

    AvroRowReader(Schema writer, NestedMode nested, String separator) {
        this.nested = nested;
        this.separator = separator;
        if (writer.getType() == Schema.Type.RECORD) {
            compiling.add(writer.getFullName());
            for (Schema.Field f : writer.getFields()) {
                emitters.add(emitter(f.name(), f.schema()));
            }
            compiling.remove(writer.getFullName());
        } else {
            emitters.add(leaf("value", compile(writer)));
        }
    }

    /** Decodes one payload; fails when it ends early or has bytes left over. */
    void read(byte[] buf, int offset, int length, Row row) throws DecodeException {
        Cursor c = new Cursor(buf, offset, length);
        for (Emitter e : emitters) {
            e.emit(c, row);
        }
        if (c.remaining() != 0) {
            throw new DecodeException("corrupt Avro payload: " + c.remaining() + " bytes left over after the record,"
                    + " at byte " + c.position() + " (was it written with another schema?)");
        }
    }

    private Emitter emitter(String name, Schema schema) {
        Schema record = recordOrNullableRecord(schema);
        if (record != null && nested == NestedMode.FLATTEN && !compiling.contains(record.getFullName())) {
            compiling.add(record.getFullName());
            List<Emitter> children = new ArrayList<>();
            for (Schema.Field f : record.getFields()) {
                children.add(emitter(name + separator + f.name(), f.schema()));
            }
            compiling.remove(record.getFullName());
            int nullBranch = schema.getType() == Schema.Type.UNION ? nullIndex(schema) : -1;
            int branches = schema.getType() == Schema.Type.UNION ? schema.getTypes().size() : 0;
            return new Emitter() {
                @Override
                public void emit(Cursor c, Row row) throws DecodeException {
                    if (nullBranch >= 0) {
                        int branch = branch(c, branches);
                        if (branch == nullBranch) {
                            emitNulls(row);
                            return;
                        }
                    }
                    for (Emitter e : children) {
                        e.emit(c, row);
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
        return leaf(name, compile(schema));
    }

    private static Emitter leaf(String name, Compiled compiled) {
        DataType type = compiled.type();
        ValueReader reader = compiled.reader();
        return new Emitter() {
            @Override
            public void emit(Cursor c, Row row) throws DecodeException {
                Object v = reader.read(c);
                if (type != null) {
                    row.put(name, v, type);
                }
            }

            @Override
            public void emitNulls(Row row) {
                if (type != null) {
                    row.put(name, null, type);
                }
            }
        };
    }

    /** The type and reader of a schema; the type is null for the {@code null} schema, which has no column. */
    private Compiled compile(Schema s) {
        LogicalType logical = s.getLogicalType();
        if (logical != null) {
            Compiled c = logical(s, logical);
            if (c != null) {
                return c;
            }
        }
        return switch (s.getType()) {
            case NULL -> new Compiled(null, c -> null);
            case BOOLEAN -> new Compiled(Scalar.BOOLEAN, Cursor::readBoolean);
            case INT -> new Compiled(Scalar.INTEGER, Cursor::readInt);
            case LONG -> new Compiled(Scalar.BIGINT, Cursor::readLong);
            case FLOAT -> new Compiled(Scalar.FLOAT, Cursor::readFloat);
            case DOUBLE -> new Compiled(Scalar.DOUBLE, Cursor::readDouble);
            case STRING -> new Compiled(Scalar.VARCHAR, Cursor::readString);
            case BYTES -> new Compiled(Scalar.BLOB, Cursor::readBytes);
            case FIXED -> {
                int size = s.getFixedSize();
                yield new Compiled(Scalar.BLOB, c -> c.readFixed(size));
            }
            case ENUM -> {
                List<String> symbols = s.getEnumSymbols();
                String name = s.getFullName();
                yield new Compiled(Scalar.VARCHAR, c -> {
                    int i = c.readInt();
                    if (i < 0 || i >= symbols.size()) {
                        throw new DecodeException("corrupt Avro payload: enum " + name + " has " + symbols.size()
                                + " symbols, but the payload has index " + i);
                    }
                    return symbols.get(i);
                });
            }
            case ARRAY -> array(s);
            case MAP -> map(s);
            case UNION -> union(s);
            case RECORD -> record(s);
        };
    }

    private Compiled record(Schema s) {
        String full = s.getFullName();
        if (compiling.contains(full)) {
            // a recursive type has no finite column type: the nested occurrence is kept as JSON text
            return new Compiled(Scalar.JSON, c -> {
                ValueReader r = records.get(full);
                if (r == null) { // the top-level record, which flattening read field by field
                    record(s);
                    r = records.get(full);
                }
                return new JsonText(JsonValues.render(r.read(c)));
            });
        }
        compiling.add(full);
        List<Field> fields = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<ValueReader> readers = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
            Compiled fc = compile(f.schema());
            readers.add(fc.reader());
            names.add(f.name());
            if (fc.type() != null) {
                fields.add(new Field(f.name(), fc.type()));
            }
        }
        compiling.remove(full);
        int n = readers.size();
        ValueReader reader = c -> {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                m.put(names.get(i), readers.get(i).read(c));
            }
            return m;
        };
        records.put(full, reader);
        if (nested == NestedMode.JSON) {
            return new Compiled(Scalar.JSON, c -> new JsonText(JsonValues.render(reader.read(c))));
        }
        return fields.isEmpty() ? new Compiled(null, reader) : new Compiled(new Struct(fields), reader);
    }

    private Compiled array(Schema s) {
        Compiled element = compile(s.getElementType());
        ValueReader items = element.reader();
        return new Compiled(new ListOf(element.type() == null ? Scalar.VARCHAR : element.type()), c -> {
            List<Object> out = new ArrayList<>();
            for (long n = c.readBlockCount(); n != 0; n = c.readBlockCount()) {
                for (long i = 0; i < n; i++) {
                    out.add(items.read(c));
                }
            }
            return out;
        });
    }

    private Compiled map(Schema s) {
        Compiled value = compile(s.getValueType());
        ValueReader values = value.reader();
        return new Compiled(new MapOf(Scalar.VARCHAR, value.type() == null ? Scalar.VARCHAR : value.type()), c -> {
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            for (long n = c.readBlockCount(); n != 0; n = c.readBlockCount()) {
                for (long i = 0; i < n; i++) {
                    String k = c.readString();
                    out.put(k, values.read(c));
                }
            }
            return new MapValue(out);
        });
    }

    /**
     * {@code [null, T]} is a nullable T. Other unions become a struct with one field per branch (named by the
     * branch's type), of which each value sets exactly one.
     */
    private Compiled union(Schema s) {
        List<Schema> branches = s.getTypes();
        int size = branches.size();
        List<Compiled> compiled = new ArrayList<>(size);
        for (Schema b : branches) {
            compiled.add(compile(b));
        }
        List<Integer> valued = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (branches.get(i).getType() != Schema.Type.NULL) {
                valued.add(i);
            }
        }
        if (valued.isEmpty()) {
            return new Compiled(null, c -> compiled.get(branch(c, size)).reader().read(c));
        }
        if (valued.size() == 1) {
            Compiled only = compiled.get(valued.get(0));
            return new Compiled(only.type(), c -> compiled.get(branch(c, size)).reader().read(c));
        }
        List<Field> fields = new ArrayList<>();
        String[] names = new String[size];
        java.util.Map<String, Long> simpleNames = new java.util.HashMap<>();
        for (int i : valued) {
            simpleNames.merge(branchName(branches.get(i), false), 1L, Long::sum);
        }
        for (int i : valued) {
            Schema b = branches.get(i);
            // named types by simple name, unless two branches share it (records of different namespaces)
            names[i] = simpleNames.get(branchName(b, false)) > 1 ? branchName(b, true) : branchName(b, false);
            if (compiled.get(i).type() != null) {
                fields.add(new Field(names[i], compiled.get(i).type()));
            }
        }
        return new Compiled(new Struct(fields), c -> {
            int i = branch(c, size);
            Object v = compiled.get(i).reader().read(c);
            if (names[i] == null) {
                return null;
            }
            LinkedHashMap<String, Object> m = new LinkedHashMap<>(4);
            m.put(names[i], v);
            return m;
        });
    }

    private static String branchName(Schema b, boolean full) {
        boolean named = b.getType() == Schema.Type.RECORD || b.getType() == Schema.Type.ENUM || b.getType() == Schema.Type.FIXED;
        return named ? (full ? b.getFullName() : b.getName()) : b.getType().getName();
    }

    private Compiled logical(Schema s, LogicalType logical) {
        Schema.Type base = s.getType();
        switch (logical.getName()) {
            case "decimal" -> {
                LogicalTypes.Decimal d = (LogicalTypes.Decimal) logical;
                int scale = d.getScale();
                boolean fits = d.getPrecision() <= Decimal.MAX_PRECISION;
                DataType type = fits ? new Decimal(d.getPrecision(), scale) : Scalar.VARCHAR;
                int fixed = base == Schema.Type.FIXED ? s.getFixedSize() : -1;
                return new Compiled(type, c -> {
                    byte[] raw = fixed >= 0 ? c.readFixed(fixed) : c.readBytes();
                    if (raw.length == 0) {
                        throw new DecodeException("corrupt Avro payload: a decimal with no bytes before byte " + c.position());
                    }
                    BigDecimal v = new BigDecimal(new BigInteger(raw), scale);
                    if (v.precision() > d.getPrecision()) {
                        throw new DecodeException("a decimal(" + d.getPrecision() + ", " + scale + ") holds " + v.toPlainString()
                                + ", which has " + v.precision() + " digits");
                    }
                    return fits ? v : v.toPlainString();
                });
            }
            case "uuid" -> {
                if (base == Schema.Type.STRING) {
                    return new Compiled(Scalar.UUID, c -> {
                        String text = c.readString();
                        try {
                            return UUID.fromString(text);
                        } catch (IllegalArgumentException e) {
                            throw new DecodeException("a uuid field holds \"" + abbreviate(text) + "\", which is not a UUID");
                        }
                    });
                }
                if (base == Schema.Type.FIXED && s.getFixedSize() == 16) {
                    return new Compiled(Scalar.UUID, c -> {
                        ByteBuffer b = ByteBuffer.wrap(c.readFixed(16));
                        return new UUID(b.getLong(), b.getLong());
                    });
                }
                return null;
            }
            case "date" -> {
                return base == Schema.Type.INT ? new Compiled(Scalar.DATE, c -> LocalDate.ofEpochDay(c.readInt())) : null;
            }
            case "time-millis" -> {
                return base == Schema.Type.INT ? new Compiled(Scalar.TIME, c -> timeOfDay(c.readInt() * 1_000_000L)) : null;
            }
            case "time-micros" -> {
                return base == Schema.Type.LONG ? new Compiled(Scalar.TIME, c -> timeOfDay(c.readLong() * 1_000L)) : null;
            }
            case "timestamp-millis", "local-timestamp-millis" -> {
                return base == Schema.Type.LONG ? new Compiled(Scalar.TIMESTAMP, c -> Instant.ofEpochMilli(c.readLong())) : null;
            }
            case "timestamp-micros", "local-timestamp-micros" -> {
                return base == Schema.Type.LONG ? new Compiled(Scalar.TIMESTAMP, c -> {
                    long us = c.readLong();
                    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
                }) : null;
            }
            case "timestamp-nanos", "local-timestamp-nanos" -> {
                return base == Schema.Type.LONG ? new Compiled(Scalar.TIMESTAMP, c -> {
                    long ns = c.readLong();
                    return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
                }) : null;
            }
            default -> {
                return null; // unknown logical types read as their base type, as the Avro spec asks
            }
        }
    }

    private static LocalTime timeOfDay(long nanos) throws DecodeException {
        if (nanos < 0 || nanos >= 86_400_000_000_000L) {
            throw new DecodeException("a time-of-day value of " + nanos / 1000 + " microseconds is outside one day");
        }
        return LocalTime.ofNanoOfDay(nanos);
    }

    private static int branch(Cursor c, int size) throws DecodeException {
        long i = c.readLong();
        if (i < 0 || i >= size) {
            throw new DecodeException("corrupt Avro payload: union branch " + i + " of " + size + " before byte " + c.position());
        }
        return (int) i;
    }

    private static Schema recordOrNullableRecord(Schema s) {
        if (s.getType() == Schema.Type.RECORD) {
            return s;
        }
        if (s.getType() == Schema.Type.UNION && s.getTypes().size() == 2 && nullIndex(s) >= 0) {
            Schema other = s.getTypes().get(1 - nullIndex(s));
            return other.getType() == Schema.Type.RECORD ? other : null;
        }
        return null;
    }

    private static int nullIndex(Schema union) {
        List<Schema> types = union.getTypes();
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i).getType() == Schema.Type.NULL) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
