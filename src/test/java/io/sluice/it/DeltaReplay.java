package io.sluice.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Delta table read back without Delta Kernel, for tests: the commit files of {@code _delta_log} replayed in order
 * with Jackson (add and remove actions, the newest metaData and domain entries), and the live files read by DuckDB,
 * physical column names mapped to the schema's names and partition values taken from the log. Every commit file is
 * replayed from version 0, so it needs a log that no cleanup shortened (tests' tables are young).
 */
public final class DeltaReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A live file: its path relative to the table (decoded), its partition values and size, as its add action says. */
    public record Live(String path, Map<String, String> partitionValues, long size, boolean dataChange) {}

    /**
     * The table as of its newest version.
     *
     * @param physical      logical top-level column name to physical name
     * @param partitionCols logical partition column names
     * @param domains       domain name to its configuration (JSON text)
     * @param actions       per version, the action kinds of its commit (add, remove, metaData, ...) with the operation
     */
    public record State(long version, List<Live> files, Map<String, String> physical, List<String> partitionCols,
            Map<String, String> domains, List<Commit> commits) {}

    /** One commit: its version, operation, added and removed paths and the dataChange flags of its file actions. */
    public record Commit(long version, String operation, List<String> added, List<String> removed, Set<Boolean> dataChange,
            Set<String> domains) {}

    private DeltaReplay() {}

    public static State replay(Path table) {
        Path log = table.resolve("_delta_log");
        List<Path> commits;
        try (Stream<Path> s = Files.list(log)) {
            commits = s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Live> live = new LinkedHashMap<>();
        Map<String, String> physical = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        Map<String, String> domains = new LinkedHashMap<>();
        List<Commit> history = new ArrayList<>();
        long version = -1;
        for (Path c : commits) {
            long v = Long.parseLong(c.getFileName().toString().substring(0, 20));
            if (v != version + 1) {
                throw new IllegalStateException("log gap before version " + v);
            }
            version = v;
            String operation = null;
            List<String> added = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            Set<Boolean> dataChange = new HashSet<>();
            Set<String> touched = new HashSet<>();
            try {
                for (String line : Files.readAllLines(c)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode a = JSON.readTree(line);
                    if (a.has("add")) {
                        JsonNode add = a.get("add");
                        String path = URI.create(add.get("path").asText()).getPath();
                        Map<String, String> pv = new LinkedHashMap<>();
                        add.path("partitionValues").fields().forEachRemaining(e -> pv.put(e.getKey(),
                                e.getValue().isNull() ? null : e.getValue().asText()));
                        live.put(path, new Live(path, pv, add.get("size").asLong(), add.get("dataChange").asBoolean()));
                        added.add(path);
                        dataChange.add(add.get("dataChange").asBoolean());
                    } else if (a.has("remove")) {
                        String path = URI.create(a.get("remove").get("path").asText()).getPath();
                        if (live.remove(path) == null) {
                            throw new IllegalStateException("version " + v + " removes " + path + ", which is not live");
                        }
                        removed.add(path);
                        dataChange.add(a.get("remove").get("dataChange").asBoolean());
                    } else if (a.has("metaData")) {
                        JsonNode md = a.get("metaData");
                        JsonNode schema = JSON.readTree(md.get("schemaString").asText());
                        physical.clear();
                        for (JsonNode f : schema.get("fields")) {
                            JsonNode m = f.path("metadata");
                            physical.put(f.get("name").asText(), m.hasNonNull("delta.columnMapping.physicalName")
                                    ? m.get("delta.columnMapping.physicalName").asText() : f.get("name").asText());
                        }
                        parts.clear();
                        md.path("partitionColumns").forEach(p -> parts.add(p.asText()));
                    } else if (a.has("domainMetadata")) {
                        JsonNode d = a.get("domainMetadata");
                        touched.add(d.get("domain").asText());
                        if (d.path("removed").asBoolean()) {
                            domains.remove(d.get("domain").asText());
                        } else {
                            domains.put(d.get("domain").asText(), d.get("configuration").asText());
                        }
                    } else if (a.has("commitInfo")) {
                        operation = a.get("commitInfo").path("operation").asText(null);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            history.add(new Commit(v, operation, added, removed, dataChange, touched));
        }
        return new State(version, new ArrayList<>(live.values()), physical, parts, domains, history);
    }

    /**
     * The rows of the table's live files: {@code columns} (logical names; partition columns from the log), sorted by
     * all of them, every value as DuckDB's text (null for NULL).
     */
    public static List<List<String>> rows(Path table, List<String> columns) {
        State s = replay(table);
        Map<Map<String, String>, List<Live>> groups = new LinkedHashMap<>();
        s.files().forEach(f -> groups.computeIfAbsent(f.partitionValues(), k -> new ArrayList<>()).add(f));
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            for (Map.Entry<Map<String, String>, List<Live>> g : groups.entrySet()) {
                List<String> files = new ArrayList<>();
                g.getValue().forEach(f -> files.add("'" + table.resolve(f.path()) + "'"));
                String source = "read_parquet([" + String.join(", ", files) + "], union_by_name = true)";
                Set<String> present = new HashSet<>();
                try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + source)) {
                    while (rs.next()) {
                        present.add(rs.getString(1));
                    }
                }
                List<String> select = new ArrayList<>();
                for (String col : columns) {
                    String phys = s.physical().get(col);
                    if (phys == null) {
                        throw new IllegalArgumentException("no column " + col + " in " + s.physical().keySet());
                    }
                    if (s.partitionCols().contains(col)) {
                        String v = g.getKey().get(phys);
                        select.add(v == null ? "NULL" : "'" + v.replace("'", "''") + "'");
                    } else {
                        select.add(present.contains(phys) ? "CAST(\"" + phys + "\" AS VARCHAR)" : "NULL");
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT " + String.join(", ", select) + " FROM " + source)) {
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= columns.size(); i++) {
                            row.add(rs.getString(i));
                        }
                        out.add(row);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        out.sort((a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = String.valueOf(a.get(i)).compareTo(String.valueOf(b.get(i)));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        return out;
    }
}
