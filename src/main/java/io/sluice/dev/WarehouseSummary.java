package io.sluice.dev;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** What a DuckDB warehouse holds, read-only: tables with row counts and columns, and a sample aggregate. */
public final class WarehouseSummary {

    public record Column(String name, String type) {}

    public record Table(String name, long rows, List<Column> columns) {
        boolean has(String column) {
            return columns.stream().anyMatch(c -> c.name.equalsIgnoreCase(column));
        }
    }

    /** A small result set: column labels and rows of text. */
    public record Result(String title, List<String> header, List<List<String>> rows) {}

    private WarehouseSummary() {}

    /** Reads every user table of the {@code main} schema (Sluice's own {@code _sluice_*} tables are left out). */
    public static List<Table> tables(Path file) {
        try (Connection c = open(file); Statement st = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                    + " AND table_name NOT LIKE '\\_sluice%' ESCAPE '\\' ORDER BY table_name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            List<Table> out = new ArrayList<>();
            for (String name : names) {
                long rows;
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM main." + quote(name))) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                List<Column> cols = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main'"
                        + " AND table_name = '" + name.replace("'", "''") + "' ORDER BY ordinal_position")) {
                    while (rs.next()) {
                        cols.add(new Column(rs.getString(1), rs.getString(2)));
                    }
                }
                out.add(new Table(name, rows, cols));
            }
            return out;
        } catch (SQLException e) {
            throw new SluiceException(Stage.WRITE, "cannot read DuckDB file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Average temperature and peak pressure per machine, hottest first, when the table has sensor columns. */
    public static Map<String, Result> sensorAggregates(Path file, Table table) {
        Map<String, Result> out = new LinkedHashMap<>();
        String t = "main." + quote(table.name());
        try (Connection c = open(file)) {
            if (table.has("machine_id") && table.has("readings__temperature") && table.has("readings__pressure")) {
                out.put("hottest", query(c, "Average temperature per machine (5 hottest of " + table.name() + ")",
                        "SELECT machine_id, count(*) AS events, round(avg(readings__temperature), 2) AS avg_temperature,"
                                + " round(max(readings__pressure), 3) AS max_pressure FROM " + t
                                + " GROUP BY machine_id ORDER BY avg_temperature DESC LIMIT 5"));
            }
            if (table.has("location__plant") && table.has("status")) {
                out.put("alerts", query(c, "Alerts per plant",
                        "SELECT location__plant AS plant, count(*) AS events, count(*) FILTER (WHERE status = 'ALERT') AS alerts,"
                                + " round(100.0 * count(*) FILTER (WHERE status = 'ALERT') / count(*), 2) AS alert_pct FROM " + t
                                + " GROUP BY 1 ORDER BY 1"));
            }
        } catch (SQLException e) {
            throw new SluiceException(Stage.WRITE, "cannot query DuckDB file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Result query(Connection c, String title, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<String> header = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                header.add(rs.getMetaData().getColumnLabel(i));
            }
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(row);
            }
            return new Result(title, header, rows);
        }
    }

    private static Connection open(Path file) throws SQLException {
        Properties p = new Properties();
        p.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), p);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
