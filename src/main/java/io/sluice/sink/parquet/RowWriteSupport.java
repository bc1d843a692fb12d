package io.sluice.sink.parquet;

import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.MapValue;
import io.sluice.sink.ColumnValues;
import io.sluice.sink.TableRows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Feeds parquet-java straight from {@link ColumnValues}: the record handed to the writer is a cursor over a
 * {@link TableRows} that is moved row by row, so nothing is allocated per row and primitives are never boxed. Strings
 * are encoded into one reused buffer (parquet copies what it keeps).
 */
final class RowWriteSupport extends WriteSupport<RowWriteSupport.Cursor> {
    /** The row being written: which rows, which one. Reused for every row. */
    static final class Cursor {
        TableRows rows;
        int row;
    }

    private final MessageType schema;
    private final ColumnWriter[] writers;
    /** Per file column, the index of the rows' column it holds. */
    private final int[] source;
    private final String[] names;
    private final Map<String, String> metadata;
    private RecordConsumer out;

    RowWriteSupport(List<Column> columns, Map<String, String> metadata) {
        this(ParquetSchemas.message(columns), columns, identity(columns.size()), metadata);
    }

    /**
     * Writes {@code columns[source[i]]} as the file's column {@code i} of {@code schema}, which must have been made from
     * those columns by {@link ParquetSchemas#message(List, ParquetSchemas.FieldNaming)} (names may differ, shapes not).
     */
    RowWriteSupport(MessageType schema, List<Column> columns, int[] source, Map<String, String> metadata) {
        this.schema = schema;
        this.source = source.clone();
        this.writers = new ColumnWriter[source.length];
        this.names = new String[source.length];
        for (int c = 0; c < writers.length; c++) {
            names[c] = schema.getFieldName(c);
            writers[c] = topLevel(columns.get(source[c]).type(), schema.getType(c));
        }
        this.metadata = metadata;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    MessageType schema() {
        return schema;
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, new HashMap<>(metadata));
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, new HashMap<>(metadata));
    }

    @Override
    public String getName() {
        return "sluice";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(Cursor cursor) {
        TableRows rows = cursor.rows;
        int r = cursor.row;
        RecordConsumer rc = out;
        rc.startMessage();
        for (int c = 0; c < writers.length; c++) {
            ColumnValues v = rows.column(source[c]);
            if (!v.isNull(r)) {
                String name = names[c];
                rc.startField(name, c);
                writers[c].write(rc, v, r);
                rc.endField(name, c);
            }
        }
        rc.endMessage();
    }

    /** Writes one non-null value of a top-level column. */
    private interface ColumnWriter {
        void write(RecordConsumer rc, ColumnValues v, int row);
    }

    /** Writes one non-null value inside a list, map or struct (boxed, as nested values are). */
    private interface ValueWriter {
        void write(RecordConsumer rc, Object v);
    }

    private ColumnWriter topLevel(DataType t, Type fileType) {
        if (t instanceof Scalar s) {
            switch (s) {
                case BOOLEAN:
                    return (rc, v, r) -> rc.addBoolean(v.getBoolean(r));
                case INTEGER:
                case DATE:
                    return (rc, v, r) -> rc.addInteger(v.getInt(r));
                case BIGINT:
                case TIMESTAMP:
                case TIME:
                    return (rc, v, r) -> rc.addLong(v.getLong(r));
                case FLOAT:
                    return (rc, v, r) -> rc.addFloat(v.getFloat(r));
                case DOUBLE:
                    return (rc, v, r) -> rc.addDouble(v.getDouble(r));
                default:
                    break;
            }
        }
        ValueWriter w = nested(t, fileType);
        return (rc, v, r) -> w.write(rc, v.get(r));
    }

    /** The type of the single field in {@code group}'s repeated group (a list's element, a map's key or value). */
    private static Type inner(Type group, int field) {
        return group.asGroupType().getType(0).asGroupType().getType(field);
    }

    private ValueWriter nested(DataType t, Type fileType) {
        if (t instanceof Struct s) {
            List<Field> fields = s.fields();
            String[] keys = new String[fields.size()];
            String[] fileNames = new String[fields.size()];
            ValueWriter[] inner = new ValueWriter[fields.size()];
            GroupType group = fileType.asGroupType();
            for (int i = 0; i < inner.length; i++) {
                keys[i] = fields.get(i).name();
                fileNames[i] = group.getFieldName(i);
                inner[i] = nested(fields.get(i).type(), group.getType(i));
            }
            return (rc, v) -> {
                Map<?, ?> m = (Map<?, ?>) v;
                rc.startGroup();
                for (int i = 0; i < inner.length; i++) {
                    Object f = m.get(keys[i]);
                    if (f != null) {
                        rc.startField(fileNames[i], i);
                        inner[i].write(rc, f);
                        rc.endField(fileNames[i], i);
                    }
                }
                rc.endGroup();
            };
        }
        if (t instanceof ListOf l) {
            ValueWriter element = nested(l.element(), inner(fileType, 0));
            return (rc, v) -> {
                List<?> list = (List<?>) v;
                rc.startGroup();
                if (!list.isEmpty()) {
                    rc.startField("list", 0);
                    for (Object e : list) {
                        rc.startGroup();
                        if (e != null) {
                            rc.startField("element", 0);
                            element.write(rc, e);
                            rc.endField("element", 0);
                        }
                        rc.endGroup();
                    }
                    rc.endField("list", 0);
                }
                rc.endGroup();
            };
        }
        if (t instanceof MapOf m) {
            ValueWriter key = nested(m.key(), inner(fileType, 0));
            ValueWriter value = nested(m.value(), inner(fileType, 1));
            return (rc, v) -> {
                Map<?, ?> entries = ((MapValue) v).entries();
                rc.startGroup();
                boolean any = false;
                for (Map.Entry<?, ?> e : entries.entrySet()) {
                    if (e.getKey() == null) {
                        continue; // a Parquet map key is required
                    }
                    if (!any) {
                        rc.startField("key_value", 0);
                        any = true;
                    }
                    rc.startGroup();
                    rc.startField("key", 0);
                    key.write(rc, e.getKey());
                    rc.endField("key", 0);
                    if (e.getValue() != null) {
                        rc.startField("value", 1);
                        value.write(rc, e.getValue());
                        rc.endField("value", 1);
                    }
                    rc.endGroup();
                }
                if (any) {
                    rc.endField("key_value", 0);
                }
                rc.endGroup();
            };
        }
        if (t instanceof Decimal d) {
            if (d.precision() <= 9) {
                return (rc, v) -> rc.addInteger(((BigDecimal) v).unscaledValue().intValue());
            }
            if (d.precision() <= 18) {
                return (rc, v) -> rc.addLong(((BigDecimal) v).unscaledValue().longValue());
            }
            int len = ParquetSchemas.decimalBytes(d.precision());
            byte[] buf = new byte[len];
            return (rc, v) -> {
                byte[] unscaled = ((BigDecimal) v).unscaledValue().toByteArray();
                byte fill = unscaled[0] < 0 ? (byte) -1 : 0;
                int pad = len - unscaled.length;
                for (int i = 0; i < pad; i++) {
                    buf[i] = fill;
                }
                System.arraycopy(unscaled, 0, buf, pad, unscaled.length);
                rc.addBinary(Binary.fromReusedByteArray(buf));
            };
        }
        return switch ((Scalar) t) {
            case BOOLEAN -> (rc, v) -> rc.addBoolean((Boolean) v);
            case INTEGER -> (rc, v) -> rc.addInteger((Integer) v);
            case BIGINT -> (rc, v) -> rc.addLong((Long) v);
            case FLOAT -> (rc, v) -> rc.addFloat((Float) v);
            case DOUBLE -> (rc, v) -> rc.addDouble((Double) v);
            case VARCHAR, JSON -> new StringWriter();
            case TIMESTAMP -> (rc, v) -> {
                Instant i = (Instant) v;
                rc.addLong(Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
            };
            case DATE -> (rc, v) -> rc.addInteger((int) ((LocalDate) v).toEpochDay());
            case TIME -> (rc, v) -> rc.addLong(((LocalTime) v).toNanoOfDay() / 1000);
            case UUID -> {
                byte[] buf = new byte[16];
                yield (rc, v) -> {
                    UUID u = (UUID) v;
                    putLong(buf, 0, u.getMostSignificantBits());
                    putLong(buf, 8, u.getLeastSignificantBits());
                    rc.addBinary(Binary.fromReusedByteArray(buf));
                };
            }
            case BLOB -> (rc, v) -> rc.addBinary(Binary.fromConstantByteArray((byte[]) v));
        };
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** UTF-8 into a reused buffer; ASCII (most keys, ids and enums) without a detour through a new byte array. */
    private static final class StringWriter implements ValueWriter {
        private byte[] buf = new byte[256];

        @Override
        public void write(RecordConsumer rc, Object v) {
            String s = (String) v;
            int n = s.length();
            if (n > buf.length) {
                buf = new byte[Math.max(n, buf.length * 2)];
            }
            byte[] b = buf;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    rc.addBinary(Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8)));
                    return;
                }
                b[i] = (byte) c;
            }
            rc.addBinary(Binary.fromReusedByteArray(b, 0, n));
        }
    }
}
