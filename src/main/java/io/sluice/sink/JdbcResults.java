package io.sluice.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@code sluice query} statement on a JDBC connection and reads its whole result, for {@link Queries} that
 * sit on a JDBC engine (DuckDB, over its own file or over Parquet files). Values become what {@link QueryResult}
 * promises: null, a {@link Number} or a {@link Boolean} as they are, anything else as the engine's text for it.
 */
public final class JdbcResults {
    private JdbcResults() {}

    /**
     * Runs {@code sql} and returns its result; no columns and no rows for a statement that returns no result set.
     * Throws the driver's {@link SQLException} as it is, so that the caller can put it in its own words and name
     * where its data lives.
     */
    public static QueryResult run(Connection conn, String sql) throws SQLException {
        // prepared, not Statement.execute: DuckDB's JDBC then reports the real error instead of "unsuccessful pending query"
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            if (!st.execute()) {
                return new QueryResult(List.of(), List.of());
            }
            try (ResultSet rs = st.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        Object v = rs.getObject(i);
                        row.add(v == null || v instanceof Number || v instanceof Boolean ? v : rs.getString(i));
                    }
                    rows.add(row);
                }
                return new QueryResult(columns, rows);
            }
        }
    }
}
