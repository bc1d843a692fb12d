package io.sluice.sink.delta;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Struct;
import io.sluice.sink.parquet.ParquetSchemas.FieldNaming;
import io.sluice.sink.parquet.ParquetSchemas.FileName;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Delta's column mapping (mode {@code name}) as Sluice keeps it: every struct field of a table, top-level or nested,
 * has an id and a physical name {@code col-<uuid>} that data files use, so columns can be added (and renamed by other
 * tools) without rewriting files. Sluice assigns both itself for every field it adds, one more than the highest id the
 * table has: Kernel would name a field added to an existing table by its display name, and does not check that physical
 * names are unique.
 */
final class ColumnMapping {
    static final String ID = "delta.columnMapping.id";
    static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
    static final String MAX_ID = "delta.columnMapping.maxColumnId";
    static final String MODE = "delta.columnMapping.mode";

    private ColumnMapping() {}

    /** The highest field id in {@code schema} or in the table's {@code maxColumnId} property. */
    static long maxId(StructType schema, Map<String, String> properties) {
        long max = 0;
        try {
            max = Long.parseLong(properties.getOrDefault(MAX_ID, "0"));
        } catch (NumberFormatException e) {
            // a value another tool wrote badly: the schema's ids still bound it
        }
        return Math.max(max, maxId(schema));
    }

    private static long maxId(io.delta.kernel.types.DataType t) {
        long max = 0;
        if (t instanceof StructType s) {
            for (StructField f : s.fields()) {
                if (f.getMetadata().contains(ID)) {
                    max = Math.max(max, f.getMetadata().getLong(ID));
                }
                max = Math.max(max, maxId(f.getDataType()));
            }
        } else if (t instanceof ArrayType a) {
            max = maxId(a.getElementType());
        } else if (t instanceof MapType m) {
            max = Math.max(maxId(m.getKeyType()), maxId(m.getValueType()));
        }
        return max;
    }

    /** Hands out new field ids, above every id the table has. */
    static final class Ids {
        private long next;

        Ids(long max) {
            this.next = max + 1;
        }

        StructField mapped(StructField f) {
            FieldMetadata m = FieldMetadata.builder().fromMetadata(f.getMetadata()).putLong(ID, next++)
                    .putString(PHYSICAL_NAME, "col-" + UUID.randomUUID()).build();
            return f.withNewMetadata(m);
        }
    }

    /**
     * {@code current} (empty for a new table) changed to hold {@code columns}: existing fields keep their ids and
     * physical names (and their position), with the batch's type where it differs (a widening evolution allowed); new
     * fields, nested ones too, get new ids and names. Fields the batch lacks are kept. Names match case-insensitively.
     */
    static StructType evolve(StructType current, List<Column> columns, Ids ids) {
        StructType out = current;
        for (Column c : columns) {
            out = put(out, c.name(), c.type(), ids);
        }
        return out;
    }

    private static StructType put(StructType struct, String name, DataType type, Ids ids) {
        List<StructField> fields = new java.util.ArrayList<>(struct.fields());
        for (int i = 0; i < fields.size(); i++) {
            StructField f = fields.get(i);
            if (f.getName().equalsIgnoreCase(name)) {
                io.delta.kernel.types.DataType merged = merge(f.getDataType(), type, ids);
                if (!merged.equals(f.getDataType())) {
                    fields.set(i, new StructField(f.getName(), merged, f.isNullable(), f.getMetadata()));
                }
                return new StructType(fields);
            }
        }
        fields.add(ids.mapped(new StructField(name, fresh(type, ids), true)));
        return new StructType(fields);
    }

    /** The Delta type for a new field's {@code type}, with mapping metadata on every nested struct field. */
    private static io.delta.kernel.types.DataType fresh(DataType type, Ids ids) {
        return merge(null, type, ids);
    }

    private static io.delta.kernel.types.DataType merge(io.delta.kernel.types.DataType have, DataType type, Ids ids) {
        if (type instanceof Struct s) {
            StructType out = have instanceof StructType hs ? hs : new StructType();
            for (Field f : s.fields()) {
                out = put(out, f.name(), f.type(), ids);
            }
            return out;
        }
        if (type instanceof ListOf l) {
            io.delta.kernel.types.DataType element = have instanceof ArrayType a ? a.getElementType() : null;
            boolean nullable = !(have instanceof ArrayType a2) || a2.containsNull();
            return new ArrayType(merge(element, l.element(), ids), nullable);
        }
        if (type instanceof MapOf m) {
            MapType hm = have instanceof MapType x ? x : null;
            return new MapType(merge(hm == null ? null : hm.getKeyType(), m.key(), ids),
                    merge(hm == null ? null : hm.getValueType(), m.value(), ids), hm == null || hm.isValueContainsNull());
        }
        io.delta.kernel.types.DataType t = DeltaTypes.delta(type);
        return have != null && have.equals(t) ? have : t;
    }

    /** How data files name the table's fields: by physical name and id, looked up by the logical path. */
    static FieldNaming naming(StructType schema) {
        return path -> {
            io.delta.kernel.types.DataType at = schema;
            StructField f = null;
            for (String name : path) {
                f = field(at, name);
                if (f == null) {
                    throw new IllegalStateException("no field " + String.join(".", path) + " in the table's schema");
                }
                at = f.getDataType();
            }
            FieldMetadata m = f.getMetadata();
            String physical = m.contains(PHYSICAL_NAME) ? m.getString(PHYSICAL_NAME) : f.getName();
            int id = m.contains(ID) ? m.getLong(ID).intValue() : -1;
            return new FileName(physical, id);
        };
    }

    /** A struct field by name, looking through lists (their elements) and maps (their values) on the way. */
    private static StructField field(io.delta.kernel.types.DataType at, String name) {
        while (at instanceof ArrayType || at instanceof MapType) {
            at = at instanceof ArrayType a ? a.getElementType() : ((MapType) at).getValueType();
        }
        if (at instanceof StructType s) {
            for (StructField f : s.fields()) {
                if (f.getName().equalsIgnoreCase(name)) {
                    return f;
                }
            }
        }
        return null;
    }

    /** The physical name of a top-level field. */
    static String physicalName(StructField f) {
        return f.getMetadata().contains(PHYSICAL_NAME) ? f.getMetadata().getString(PHYSICAL_NAME) : f.getName();
    }
}
