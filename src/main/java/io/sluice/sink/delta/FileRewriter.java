package io.sluice.sink.delta;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites a table's data files into one, with DuckDB: the files are read by their column names (files written before
 * a column was added lack it; a struct may lack a nested field), each column is cast to the table's current type
 * (files written before a widening hold the narrower one), and the result is written with the files' physical column
 * names and field ids, partition columns left out as in every data file. Rows keep their order.
 */
final class FileRewriter implements AutoCloseable {
    private final Connection conn;

    private FileRewriter(Connection conn) {
        this.conn = conn;
    }

    /** An in-memory DuckDB with a bounded memory limit and one thread, spilling to {@code tempDir}. */
    static FileRewriter open(Path tempDir) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = c.createStatement()) {
            st.execute("SET threads = 1");
            st.execute("SET memory_limit = '512MB'");
            st.execute("SET temp_directory = " + literal(tempDir.toString()));
            st.execute("SET TimeZone = 'UTC'");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new FileRewriter(c);
    }

    /**
     * Writes the rows of {@code inputs} (local Parquet files, in this order) to {@code output} as zstd-compressed Parquet
     * for {@code schema} (the table's, with column mapping metadata), without the columns in {@code partitionColumns}.
     * {@code writer} goes into the file's key-value metadata.
     */
    void rewrite(List<Path> inputs, StructType schema, List<String> partitionColumns, Path output, String writer)
            throws SQLException {
        List<String> files = new ArrayList<>();
        inputs.forEach(p -> files.add(literal(p.toString())));
        String source = "read_parquet([" + String.join(", ", files) + "], union_by_name = true)";
        Set<String> present = new HashSet<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + source)) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        Set<String> partitions = new HashSet<>();
        partitionColumns.forEach(p -> partitions.add(p.toLowerCase(Locale.ROOT)));
        List<String> select = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (partitions.contains(f.getName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            String name = physicalName(f);
            if (!present.contains(name)) {
                continue; // no file has it (added after they were written): readers see nulls, as before
            }
            select.add("CAST(" + ident(name) + " AS " + duckType(f.getDataType()) + ") AS " + ident(name));
            fieldIds(f).ifPresent(ids::add);
        }
        if (select.isEmpty()) {
            throw new IllegalStateException("the files hold none of the table's columns");
        }
        StringBuilder copy = new StringBuilder("COPY (SELECT ").append(String.join(", ", select)).append(" FROM ")
                .append(source).append(") TO ").append(literal(output.toString()))
                .append(" (FORMAT parquet, COMPRESSION zstd, KV_METADATA {'sluice.writer': ").append(literal(writer)).append('}');
        if (!ids.isEmpty()) {
            copy.append(", FIELD_IDS {").append(String.join(", ", ids)).append('}');
        }
        copy.append(')');
        try (Statement st = conn.createStatement()) {
            st.execute(copy.toString());
        }
    }

    /** DuckDB's type for a Delta type, struct fields by their physical names. */
    static String duckType(DataType t) {
        if (t instanceof BooleanType) {
            return "BOOLEAN";
        }
        if (t instanceof ByteType) {
            return "TINYINT";
        }
        if (t instanceof ShortType) {
            return "SMALLINT";
        }
        if (t instanceof IntegerType) {
            return "INTEGER";
        }
        if (t instanceof LongType) {
            return "BIGINT";
        }
        if (t instanceof FloatType) {
            return "FLOAT";
        }
        if (t instanceof DoubleType) {
            return "DOUBLE";
        }
        if (t instanceof StringType) {
            return "VARCHAR";
        }
        if (t instanceof BinaryType) {
            return "BLOB";
        }
        if (t instanceof DateType) {
            return "DATE";
        }
        if (t instanceof TimestampType) {
            return "TIMESTAMPTZ"; // UTC-adjusted micros, as Delta's TIMESTAMP is stored
        }
        if (t instanceof TimestampNTZType) {
            return "TIMESTAMP";
        }
        if (t instanceof DecimalType d) {
            return "DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
        }
        if (t instanceof ArrayType a) {
            return duckType(a.getElementType()) + "[]";
        }
        if (t instanceof MapType m) {
            return "MAP(" + duckType(m.getKeyType()) + ", " + duckType(m.getValueType()) + ")";
        }
        if (t instanceof StructType s) {
            List<String> fields = new ArrayList<>();
            for (StructField f : s.fields()) {
                fields.add(ident(physicalName(f)) + " " + duckType(f.getDataType()));
            }
            return "STRUCT(" + String.join(", ", fields) + ")";
        }
        throw new UnsupportedTypeException(DeltaTypes.describe(t));
    }

    /** A type a compaction cannot rewrite (variant, geometry, ...): the table is left as it is. */
    static final class UnsupportedTypeException extends RuntimeException {
        UnsupportedTypeException(String type) {
            super(type);
        }
    }

    /** The FIELD_IDS entry of a column: its id and those of struct fields below it (through lists and maps). */
    private static Optional<String> fieldIds(StructField f) {
        Optional<String> nested = nestedIds(f.getDataType());
        Optional<Long> id = id(f.getMetadata());
        if (id.isEmpty() && nested.isEmpty()) {
            return Optional.empty();
        }
        String key = literal(physicalName(f));
        if (nested.isEmpty()) {
            return Optional.of(key + ": " + id.get());
        }
        List<String> parts = new ArrayList<>();
        id.ifPresent(i -> parts.add("__duckdb_field_id: " + i));
        parts.add(nested.get());
        return Optional.of(key + ": {" + String.join(", ", parts) + "}");
    }

    /** The inside of a FIELD_IDS struct for a nested type, or empty when nothing below has an id. */
    private static Optional<String> nestedIds(DataType t) {
        if (t instanceof StructType s) {
            List<String> out = new ArrayList<>();
            for (StructField f : s.fields()) {
                fieldIds(f).ifPresent(out::add);
            }
            return out.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", out));
        }
        if (t instanceof ArrayType a) {
            return nestedIds(a.getElementType()).map(n -> "element: {" + n + "}");
        }
        if (t instanceof MapType m) {
            List<String> out = new ArrayList<>();
            nestedIds(m.getKeyType()).ifPresent(n -> out.add("key: {" + n + "}"));
            nestedIds(m.getValueType()).ifPresent(n -> out.add("value: {" + n + "}"));
            return out.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", out));
        }
        return Optional.empty();
    }

    private static Optional<Long> id(FieldMetadata m) {
        return m.contains(ColumnMapping.ID) ? Optional.of(m.getLong(ColumnMapping.ID)) : Optional.empty();
    }

    static String physicalName(StructField f) {
        FieldMetadata m = f.getMetadata();
        return m.contains(ColumnMapping.PHYSICAL_NAME) ? m.getString(ColumnMapping.PHYSICAL_NAME) : f.getName();
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // in memory: nothing to lose
        }
    }
}
