package io.sluice.sink.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.JdbcResults;
import io.sluice.sink.Queries;
import io.sluice.sink.QueryResult;
import io.sluice.storage.StoreLocation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sluice query} on a Delta sink: an in-memory DuckDB with one view per table over exactly the live files of its
 * snapshot (the newest, or {@code version}), columns renamed from their physical names to the table's, cast to the
 * table's current types (older files may hold narrower ones), missing columns as NULL, and partition values from the
 * log. DuckDB may read those files and nothing else.
 */
final class DeltaQueries implements Queries {
    private final String location;
    private final Connection conn;

    private DeltaQueries(String location, Connection conn) {
        this.location = location;
        this.conn = conn;
    }

    static DeltaQueries open(DeltaSinkConfig config, String pipeline, Optional<Long> version) {
        if (!(config.path() instanceof StoreLocation.Local)) {
            throw new SluiceException(Stage.QUERY, "sluice query cannot read " + config.path() + " yet: querying S3 needs"
                    + " DuckDB's httpfs extension, which cannot be installed here. Copy the table's directory to a local"
                    + " one and point a manifest's sink.path at it");
        }
        List<String> allowed = new ArrayList<>();
        List<String[]> views = new ArrayList<>(); // table, files list, snapshot index
        List<Snapshot> snapshots = new ArrayList<>();
        List<List<LiveFiles.LiveFile>> filesOf = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Connection conn;
        try (DeltaStore delta = DeltaStore.open(config)) {
            List<String> tables = java.nio.file.Files.isDirectory(((StoreLocation.Local) config.path()).directory())
                    ? delta.tables() : List.of();
            if (tables.isEmpty()) {
                throw new SluiceException(Stage.QUERY, "pipeline " + pipeline + " has not committed anything yet: "
                        + config.location() + " holds no Delta table (`sluice run` creates them)");
            }
            for (String table : tables) {
                Optional<Snapshot> s = version.isPresent() ? Optional.of(DeltaTables.load(delta, table, version.get()))
                        : DeltaTables.load(delta, table);
                if (s.isEmpty()) {
                    continue;
                }
                List<LiveFiles.LiveFile> files = LiveFiles.of(delta, table, s.get());
                for (LiveFiles.LiveFile f : files) {
                    allowed.add(literal(localPath(f.path())));
                }
                names.add(table);
                snapshots.add(s.get());
                filesOf.add(files);
            }
        }
        try {
            conn = DriverManager.getConnection("jdbc:duckdb:");
        } catch (SQLException e) {
            throw new SluiceException(Stage.QUERY, "cannot start DuckDB to query " + config.location() + ": " + e.getMessage(), e);
        }
        try (Statement st = conn.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            if (!allowed.isEmpty()) {
                st.execute("SET allowed_paths = [" + String.join(", ", allowed) + "]");
            }
            st.execute("SET enable_external_access = false");
            st.execute("SET lock_configuration = true");
            for (int i = 0; i < names.size(); i++) {
                st.execute(view(st, names.get(i), snapshots.get(i), filesOf.get(i)));
            }
        } catch (SQLException e) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // nothing to keep
            }
            throw new SluiceException(Stage.QUERY, "cannot open the Delta tables under " + config.location() + ": "
                    + e.getMessage(), e);
        }
        return new DeltaQueries(config.location(), conn);
    }

    /** A local file's path from Kernel's plain (not URI-encoded) {@code file:} path. */
    static String localPath(String location) {
        if (location.startsWith("file://")) {
            return location.substring("file://".length());
        }
        return location.startsWith("file:") ? location.substring("file:".length()) : location;
    }

    @Override
    public QueryResult run(String sql) {
        try {
            return JdbcResults.run(conn, sql);
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().strip();
            throw new SluiceException(Stage.QUERY, "query failed on the Delta tables under " + location + ": " + msg);
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // in memory: nothing to lose
        }
    }

    /** The view of one table: see the class comment. */
    private static String view(Statement st, String table, Snapshot s, List<LiveFiles.LiveFile> files) throws SQLException {
        StructType schema = s.getSchema();
        List<String> partitionColumns = s.getPartitionColumnNames();
        List<String> select = new ArrayList<>();
        if (files.isEmpty()) {
            for (StructField f : schema.fields()) {
                select.add("CAST(NULL AS " + duck(f.getDataType()) + ") AS " + identifier(f.getName()));
            }
            return "CREATE VIEW " + identifier(table) + " AS SELECT " + String.join(", ", select) + " WHERE false";
        }
        List<String> paths = new ArrayList<>();
        files.forEach(f -> paths.add(literal(localPath(f.path()))));
        String read = "read_parquet([" + String.join(", ", paths) + "], union_by_name = true, filename = '" + FILE + "')";
        Map<String, String> present = new HashMap<>(); // physical name -> DuckDB type in the files
        try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + read)) {
            while (rs.next()) {
                present.put(rs.getString(1), rs.getString(2));
            }
        }
        boolean partitioned = !partitionColumns.isEmpty();
        for (StructField f : schema.fields()) {
            String physical = ColumnMapping.physicalName(f);
            String type = duck(f.getDataType());
            if (partitionColumns.stream().anyMatch(p -> p.equalsIgnoreCase(f.getName()))) {
                select.add("CAST(p." + identifier(physical) + " AS " + type + ") AS " + identifier(f.getName()));
            } else if (present.containsKey(physical)) {
                select.add(expression("d." + identifier(physical), f.getDataType(), present.get(physical)) + " AS "
                        + identifier(f.getName()));
            } else {
                select.add("CAST(NULL AS " + type + ") AS " + identifier(f.getName()));
            }
        }
        String from = read + " d";
        if (partitioned) {
            List<String> rows = new ArrayList<>();
            List<String> cols = new ArrayList<>(List.of(identifier(FILE)));
            for (String p : partitionColumns) {
                StructField f = field(schema, p);
                cols.add(identifier(ColumnMapping.physicalName(f)));
            }
            for (LiveFiles.LiveFile file : files) {
                List<String> values = new ArrayList<>(List.of(literal(localPath(file.path()))));
                for (String p : partitionColumns) {
                    String v = file.partitionValues().get(ColumnMapping.physicalName(field(schema, p)));
                    values.add(v == null || v.isEmpty() ? "NULL::VARCHAR" : literal(v) + "::VARCHAR");
                }
                rows.add("(" + String.join(", ", values) + ")");
            }
            from += " JOIN (VALUES " + String.join(", ", rows) + ") p(" + String.join(", ", cols) + ") USING ("
                    + identifier(FILE) + ")";
        }
        return "CREATE VIEW " + identifier(table) + " AS SELECT " + String.join(", ", select) + " FROM " + from;
    }

    private static final String FILE = "_sluice_file";

    /**
     * A column read from the files as the table's type: a cast for scalars; for structs, their fields renamed from
     * physical to logical names (missing ones NULL), also inside lists and maps.
     */
    private static String expression(String ref, DataType type, String fileType) {
        if (type instanceof StructType s) {
            List<String> fields = new ArrayList<>();
            Map<String, String> have = structFields(fileType);
            for (StructField f : s.fields()) {
                String physical = ColumnMapping.physicalName(f);
                String inner = have.containsKey(physical)
                        ? expression(ref + "." + identifier(physical), f.getDataType(), have.get(physical))
                        : "CAST(NULL AS " + duck(f.getDataType()) + ")";
                fields.add(identifier(f.getName()) + " := " + inner);
            }
            return "CASE WHEN " + ref + " IS NULL THEN NULL ELSE struct_pack(" + String.join(", ", fields) + ") END";
        }
        if (type instanceof ArrayType a && needsMapping(a.getElementType())) {
            String element = fileType.endsWith("[]") ? fileType.substring(0, fileType.length() - 2) : fileType;
            return "list_transform(" + ref + ", x -> " + expression("x", a.getElementType(), element) + ")";
        }
        if (type instanceof MapType m && needsMapping(m.getValueType())) {
            return "map_from_entries(list_transform(map_entries(" + ref + "), e -> struct_pack(key := e.key, value := "
                    + expression("e.value", m.getValueType(), mapValueType(fileType)) + ")))";
        }
        return "CAST(" + ref + " AS " + duck(type) + ")";
    }

    private static boolean needsMapping(DataType t) {
        return t instanceof StructType || t instanceof ArrayType a && needsMapping(a.getElementType())
                || t instanceof MapType m && needsMapping(m.getValueType());
    }

    /** The fields of a DuckDB STRUCT type string, by name, with their type strings. */
    static Map<String, String> structFields(String type) {
        Map<String, String> out = new HashMap<>();
        if (!type.startsWith("STRUCT(") || !type.endsWith(")")) {
            return out;
        }
        String body = type.substring(7, type.length() - 1);
        for (String part : splitTop(body)) {
            String p = part.strip();
            String name;
            String rest;
            if (p.startsWith("\"")) {
                int end = 1;
                StringBuilder b = new StringBuilder();
                while (end < p.length()) {
                    char c = p.charAt(end);
                    if (c == '"') {
                        if (end + 1 < p.length() && p.charAt(end + 1) == '"') {
                            b.append('"');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    b.append(c);
                    end++;
                }
                name = b.toString();
                rest = p.substring(end + 1).strip();
            } else {
                int sp = p.indexOf(' ');
                name = p.substring(0, sp);
                rest = p.substring(sp + 1).strip();
            }
            out.put(name, rest);
        }
        return out;
    }

    private static String mapValueType(String type) {
        if (!type.startsWith("MAP(")) {
            return type;
        }
        List<String> parts = splitTop(type.substring(4, type.length() - 1));
        return parts.size() == 2 ? parts.get(1).strip() : type;
    }

    /** Splits on commas outside parentheses and quotes. */
    private static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static StructField field(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.getName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalStateException("no partition column " + name + " in the schema");
    }

    /** A Delta type as DuckDB spells it; nested field names are the logical ones. */
    static String duck(DataType t) {
        if (t instanceof StructType s) {
            List<String> fields = new ArrayList<>();
            for (StructField f : s.fields()) {
                fields.add(identifier(f.getName()) + " " + duck(f.getDataType()));
            }
            return "STRUCT(" + String.join(", ", fields) + ")";
        }
        if (t instanceof ArrayType a) {
            return duck(a.getElementType()) + "[]";
        }
        if (t instanceof MapType m) {
            return "MAP(" + duck(m.getKeyType()) + ", " + duck(m.getValueType()) + ")";
        }
        if (t instanceof io.delta.kernel.types.DecimalType d) {
            return "DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
        }
        String n = t.toString().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "boolean" -> "BOOLEAN";
            case "byte" -> "TINYINT";
            case "short" -> "SMALLINT";
            case "integer" -> "INTEGER";
            case "long" -> "BIGINT";
            case "float" -> "FLOAT";
            case "double" -> "DOUBLE";
            case "string" -> "VARCHAR";
            case "binary" -> "BLOB";
            case "date" -> "DATE";
            case "timestamp" -> "TIMESTAMPTZ";
            case "timestamp_ntz" -> "TIMESTAMP";
            default -> "VARCHAR";
        };
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
