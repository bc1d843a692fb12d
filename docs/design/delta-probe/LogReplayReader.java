package probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.*;
import java.sql.*;
import java.util.*;
import java.util.stream.*;

/**
 * A test-only Delta reader that shares no code with Delta Kernel: replays _delta_log (checkpoint
 * parquet via DuckDB, then JSON commits via Jackson), then reads the live files with DuckDB's
 * read_parquet, mapping column-mapping physical names to logical names and adding partition values.
 */
public final class LogReplayReader {
  static final ObjectMapper M = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Path table = Paths.get(args[0]), log = table.resolve("_delta_log");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      long cp = -1;
      Map<String, Map<String, String>> live = new LinkedHashMap<>(); // path -> partitionValues (physical keys)
      JsonNode metadata = null;
      if (Files.exists(log.resolve("_last_checkpoint"))) {
        cp = M.readTree(log.resolve("_last_checkpoint").toFile()).get("version").asLong();
        String f = log.resolve(String.format("%020d.checkpoint.parquet", cp)).toString();
        try (ResultSet rs = s.executeQuery("SELECT add.path, to_json(add.partitionValues), to_json(metaData) FROM read_parquet('" + f + "') WHERE add IS NOT NULL OR metaData IS NOT NULL")) {
          while (rs.next()) {
            if (rs.getString(1) != null) live.put(rs.getString(1), mapOf(M.readTree(rs.getString(2))));
            else metadata = M.readTree(rs.getString(3));
          }
        }
      }
      final long after = cp;
      List<Path> commits;
      try (Stream<Path> ls = Files.list(log)) {
        commits = ls.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json"))
            .filter(p -> Long.parseLong(p.getFileName().toString().substring(0, 20)) > after).sorted().collect(Collectors.toList());
      }
      long version = cp;
      for (Path p : commits) {
        version = Long.parseLong(p.getFileName().toString().substring(0, 20));
        for (String line : Files.readAllLines(p)) {
          JsonNode a = M.readTree(line);
          if (a.has("add")) live.put(a.get("add").get("path").asText(), mapOf(a.get("add").get("partitionValues")));
          if (a.has("remove")) live.remove(a.get("remove").get("path").asText());
          if (a.has("metaData")) metadata = a.get("metaData");
        }
      }
      JsonNode schema = M.readTree(metadata.get("schemaString").asText());
      List<String> partCols = new ArrayList<>();
      metadata.get("partitionColumns").forEach(n -> partCols.add(n.asText()));
      List<String> selects = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> f : live.entrySet()) {
        String file = f.getKey().contains(":") ? f.getKey().replaceFirst("^file:", "") : table.resolve(java.net.URLDecoder.decode(f.getKey(), "UTF-8")).toString();
        Set<String> present = new HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT name FROM parquet_schema('" + file + "')")) {
          while (rs.next()) present.add(rs.getString(1));
        }
        StringBuilder cols = new StringBuilder();
        for (JsonNode field : schema.get("fields")) {
          String name = field.get("name").asText();
          JsonNode md = field.get("metadata");
          String phys = md.has("delta.columnMapping.physicalName") ? md.get("delta.columnMapping.physicalName").asText() : name;
          String type = duck(field.get("type").asText());
          if (cols.length() > 0) cols.append(", ");
          if (partCols.contains(name)) {
            String v = f.getValue().get(phys);
            cols.append(v == null ? "NULL" : "'" + v.replace("'", "''") + "'").append("::").append(type);
          } else if (!present.contains(phys)) {
            cols.append("NULL::").append(type);
          } else {
            cols.append("\"").append(phys).append("\"::").append(type);
          }
          cols.append(" AS \"").append(name).append("\"");
        }
        selects.add("SELECT " + cols + " FROM read_parquet('" + file + "', union_by_name=true)");
      }
      // union_by_name on a single file does not add columns the file lacks; add them explicitly
      String sql = selects.stream().map(q -> "(" + q + ")").collect(Collectors.joining(" UNION ALL BY NAME "));
      System.out.println("version=" + version + " checkpoint=" + cp + " liveFiles=" + live.size());
      try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), min(ts), max(reading) FROM (" + sql + ")")) {
        rs.next();
        System.out.println("rows=" + rs.getLong(1) + " distinctIds=" + rs.getLong(2) + " minTs=" + rs.getObject(3) + " maxReading=" + rs.getObject(4));
      } catch (SQLException e) {
        System.out.println("read failed: " + e.getMessage());
      }
    }
    System.out.printf("total %.2f s%n", (System.nanoTime() - t0) / 1e9);
  }

  static Map<String, String> mapOf(JsonNode n) {
    Map<String, String> m = new HashMap<>();
    if (n == null || n.isNull()) return m;
    if (n.isArray()) n.forEach(e -> m.put(e.get("key").asText(), e.get("value").isNull() ? null : e.get("value").asText()));
    else n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    return m;
  }

  static String duck(String t) {
    switch (t) {
      case "long": return "BIGINT";
      case "integer": return "INTEGER";
      case "string": return "VARCHAR";
      case "timestamp": return "TIMESTAMPTZ";
      default: return t.toUpperCase();
    }
  }
}
