package io.sluice.it.contract;

import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reader for sinks whose output DuckDB can read: a fresh in-memory DuckDB (not the sink's connection
 * or code) runs {@code setup} (e.g. {@code ATTACH '...' (READ_ONLY)}) and then reads {@code relation} (a table name,
 * or {@code read_parquet(...)}). Columns come back as Sluice types ({@link ReaderTypes}), rows in the canonical form
 * ({@link Canonical}), ordered by {@code _kafka_partition, _kafka_offset}.
 */
public final class DuckDbReader {
    private final List<String> setup;
    private final String relation;

    public DuckDbReader(List<String> setup, String relation) {
        this.setup = List.copyOf(setup);
        this.relation = relation;
    }

    public List<Column> columns() {
        List<Column> out = new ArrayList<>();
        query("DESCRIBE SELECT * FROM " + relation, rs -> out.add(new Column(rs.getString(1), ReaderTypes.parse(rs.getString(2)))));
        return out;
    }

    public List<Map<String, String>> rows() {
        List<Column> cols = columns();
        List<Map<String, String>> out = new ArrayList<>();
        query("SELECT * FROM " + relation + " ORDER BY _kafka_partition, _kafka_offset", rs -> {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < cols.size(); i++) {
                DataType t = cols.get(i).type();
                Object v = rs.getObject(i + 1);
                try {
                    row.put(cols.get(i).name(), Canonical.text(t, v));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("column " + cols.get(i).name() + " " + t.describe() + ": " + e.getMessage(), e);
                }
            }
            out.add(row);
        });
        return out;
    }

    public long count() {
        return scalar("SELECT count(*) FROM " + relation);
    }

    public long distinctPositions() {
        return scalar("SELECT count(DISTINCT (_kafka_partition, _kafka_offset)) FROM " + relation);
    }

    /** A single number from {@code sql}, which may use the relation through {@code setup}. */
    public long scalar(String sql) {
        long[] out = new long[1];
        query(sql, rs -> out[0] = rs.getLong(1));
        return out[0];
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowHandler handler) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            for (String statement : setup) {
                s.execute(statement);
            }
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + relation + ": " + sql + ": " + e.getMessage(), e);
        }
    }
}
