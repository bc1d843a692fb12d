package io.sluice.it.delta;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.it.contract.ReaderTypes;
import io.sluice.it.delta.DeltaSchema.ArrayT;
import io.sluice.it.delta.DeltaSchema.FieldT;
import io.sluice.it.delta.DeltaSchema.MapT;
import io.sluice.it.delta.DeltaSchema.Primitive;
import io.sluice.it.delta.DeltaSchema.StructT;
import io.sluice.it.delta.DeltaSchema.Type;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DuckDB query over a snapshot's live files: one {@code read_parquet} per group of files that share their Parquet
 * schema and partition values, each selecting the table's columns by physical name under their logical names (nested
 * struct fields too), casting each to its current type, with typed NULLs for columns a file lacks and the partition
 * values as typed literals. Every file is checked before it is read: it exists, has the size its add gives, holds the
 * row count its statistics give, and holds each column in the schema's type or one that type widens from.
 */
final class ScanSql {
    private final DeltaTableReader table;
    private final DeltaSchema schema;

    ScanSql(DeltaTableReader table, DeltaSchema schema) {
        this.table = table;
        this.schema = schema;
    }

    String view() {
        Map<Path, JsonNode> adds = table.liveAdds();
        if (adds.isEmpty()) {
            List<String> cols = new ArrayList<>();
            for (FieldT f : schema.fields()) {
                cols.add(nullOf(f.type()) + " AS " + Sql.ident(f.name()));
            }
            return "SELECT " + String.join(", ", cols) + " WHERE false";
        }
        Map<List<Object>, List<Path>> groups = new LinkedHashMap<>();
        Map<List<Object>, String> selects = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (Map.Entry<Path, JsonNode> e : adds.entrySet()) {
                Path file = e.getKey();
                JsonNode add = e.getValue();
                checkFile(s, file, add);
                Map<String, String> fileColumns = describe(s, file);
                Map<String, String> partitions = table.partitionValues(add, file);
                List<Object> key = List.of(fileColumns, partitions);
                if (!groups.containsKey(key)) {
                    selects.put(key, select(file, fileColumns, partitions));
                }
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(file);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(table.where() + ": " + e.getMessage(), e);
        }
        List<String> parts = new ArrayList<>();
        groups.forEach((key, files) -> {
            List<String> names = new ArrayList<>();
            files.forEach(f -> names.add(Sql.literal(f.toString())));
            parts.add(selects.get(key) + " FROM read_parquet([" + String.join(", ", names) + "])");
        });
        return String.join(" UNION ALL ", parts);
    }

    private void checkFile(Statement s, Path file, JsonNode add) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(table.where() + ": live file " + file + " is not there");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (add.has("size") && add.get("size").asLong() != size) {
            throw new IllegalStateException(table.where() + ": the log says file " + file + " has " + add.get("size").asLong()
                    + " bytes, it has " + size);
        }
        long stated = DeltaTableReader.numRecords(add, file);
        if (stated >= 0) {
            long rows = footerRows(s, file);
            if (rows != stated) {
                throw new IllegalStateException(table.where() + ": the statistics of " + file + " say " + stated
                        + " rows, its Parquet footer " + rows);
            }
        }
    }

    static long footerRows(Statement s, Path file) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT num_rows FROM parquet_file_metadata(" + Sql.literal(file.toString()) + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The file's top-level columns: name to DuckDB type, in file order. */
    private static Map<String, String> describe(Statement s, Path file) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + Sql.literal(file.toString()) + ")")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private String select(Path file, Map<String, String> fileColumns, Map<String, String> partitions) {
        if (table.mapped()) {
            for (String name : fileColumns.keySet()) {
                boolean physical = schema.fields().stream().anyMatch(f -> f.physical().equals(name));
                boolean logical = schema.fields().stream().anyMatch(f -> f.name().equals(name));
                if (logical && !physical) {
                    throw new IllegalStateException(table.where() + ": file " + file + " holds column " + name
                            + " by its logical name; the table maps it to " + schema.field(name).physical());
                }
            }
        }
        List<String> cols = new ArrayList<>();
        for (FieldT f : schema.fields()) {
            String expr;
            if (partitions.containsKey(f.name())) {
                String v = partitions.get(f.name());
                expr = v == null ? nullOf(f.type()) : "CAST(" + Sql.literal(v) + " AS " + DeltaSchema.duckDb(f.type()) + ")";
            } else if (!fileColumns.containsKey(f.physical())) {
                expr = nullOf(f.type());
            } else {
                DataType held = parse(fileColumns.get(f.physical()), file, f.name());
                expr = expr(f.type(), held, Sql.ident(f.physical()), file, f.name(), 0);
            }
            cols.add(expr + " AS " + Sql.ident(f.name()));
        }
        return "SELECT " + String.join(", ", cols);
    }

    private DataType parse(String duckDbType, Path file, String column) {
        try {
            return ReaderTypes.parse(duckDbType);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(table.where() + ": file " + file + " holds column " + column + " as " + duckDbType
                    + ", which this reader cannot map: " + e.getMessage());
        }
    }

    /** An expression reading {@code src}, held in the file as {@code held} (null: absent), as Delta type {@code t}. */
    private String expr(Type t, DataType held, String src, Path file, String where, int depth) {
        if (held == null) {
            return nullOf(t);
        }
        if (t instanceof StructT st) {
            if (!(held instanceof Struct hs)) {
                throw mismatch(file, where, held, t);
            }
            List<String> fields = new ArrayList<>();
            for (FieldT f : st.fields()) {
                DataType h = null;
                for (Field hf : hs.fields()) {
                    if (hf.name().equals(f.physical())) {
                        h = hf.type();
                    }
                }
                String sub = expr(f.type(), h, "struct_extract(" + src + ", " + Sql.literal(f.physical()) + ")", file,
                        where + "." + f.name(), depth + 1);
                fields.add(Sql.ident(f.name()) + " := " + sub);
            }
            return "CASE WHEN " + src + " IS NULL THEN NULL ELSE struct_pack(" + String.join(", ", fields) + ") END";
        }
        if (t instanceof ArrayT at) {
            if (!(held instanceof ListOf hl)) {
                throw mismatch(file, where, held, t);
            }
            if (DeltaSchema.flat(t)) {
                check(t, held, file, where);
                return cast(src, t);
            }
            String x = "x" + depth;
            return "list_transform(" + src + ", lambda " + x + ": " + expr(at.element(), hl.element(), x, file, where + "[]", depth + 1) + ")";
        }
        if (t instanceof MapT mt) {
            if (!(held instanceof MapOf hm)) {
                throw mismatch(file, where, held, t);
            }
            if (DeltaSchema.flat(t)) {
                check(t, held, file, where);
                return cast(src, t);
            }
            String e = "e" + depth;
            String k = expr(mt.key(), hm.key(), "struct_extract(" + e + ", 'key')", file, where + ".key", depth + 1);
            String v = expr(mt.value(), hm.value(), "struct_extract(" + e + ", 'value')", file, where + ".value", depth + 1);
            return "CASE WHEN " + src + " IS NULL THEN NULL ELSE map_from_entries(list_transform(map_entries(" + src + "), lambda "
                    + e + ": struct_pack(key := " + k + ", value := " + v + "))) END";
        }
        check(t, held, file, where);
        return cast(src, t);
    }

    /** A flat type: every scalar the file holds must be the schema's, or one it widens from. */
    private void check(Type t, DataType held, Path file, String where) {
        if (t instanceof ArrayT at && held instanceof ListOf hl) {
            check(at.element(), hl.element(), file, where + "[]");
            return;
        }
        if (t instanceof MapT mt && held instanceof MapOf hm) {
            check(mt.key(), hm.key(), file, where + ".key");
            check(mt.value(), hm.value(), file, where + ".value");
            return;
        }
        DataType expected = DeltaSchema.sluice(t);
        if (expected.equals(held)) {
            return;
        }
        if (!table.typeWidening() || !widens(held, expected, t)) {
            throw mismatch(file, where, held, t);
        }
    }

    /** The widenings of Delta's typeWidening feature among Sluice's types. */
    private static boolean widens(DataType from, DataType to, Type delta) {
        if (from == Scalar.INTEGER) {
            return to == Scalar.BIGINT || to == Scalar.DOUBLE || to instanceof Decimal d && d.precision() - d.scale() >= 10;
        }
        if (from == Scalar.BIGINT) {
            return to instanceof Decimal d && d.precision() - d.scale() >= 19;
        }
        if (from == Scalar.FLOAT) {
            return to == Scalar.DOUBLE;
        }
        if (from == Scalar.DATE) {
            return delta instanceof Primitive p && p.name().equals("timestamp_ntz");
        }
        if (from instanceof Decimal a && to instanceof Decimal b) {
            return b.scale() >= a.scale() && b.precision() - b.scale() >= a.precision() - a.scale();
        }
        return false;
    }

    private IllegalStateException mismatch(Path file, String where, DataType held, Type t) {
        return new IllegalStateException(table.where() + ": file " + file + " holds column " + where + " as " + held.describe()
                + ", the schema says " + DeltaSchema.duckDb(t) + (table.typeWidening() ? " (not a type widening)"
                        : " (and the table has no typeWidening feature)"));
    }

    private static String cast(String src, Type t) {
        return "CAST(" + src + " AS " + DeltaSchema.duckDb(t) + ")";
    }

    private static String nullOf(Type t) {
        return "CAST(NULL AS " + DeltaSchema.duckDb(t) + ")";
    }
}
