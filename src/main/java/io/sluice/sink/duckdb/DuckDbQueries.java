package io.sluice.sink.duckdb;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.JdbcResults;
import io.sluice.sink.Queries;
import io.sluice.sink.QueryResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * {@code sluice query} on a DuckDB sink: the database file itself, opened read-only, with access to other files and
 * extensions switched off (and locked), so a query can neither change the warehouse nor write or read elsewhere.
 */
final class DuckDbQueries implements Queries {
    private final DuckDbSinkConfig config;
    private final Connection conn;

    private DuckDbQueries(DuckDbSinkConfig config, Connection conn) {
        this.config = config;
        this.conn = conn;
    }

    static DuckDbQueries open(DuckDbSinkConfig config, String pipeline) {
        Path path = config.path().toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new SluiceException(Stage.QUERY, "pipeline " + pipeline + " has not run yet: its DuckDB file " + path
                    + " does not exist (`sluice run` creates it)");
        }
        Properties ro = new Properties();
        ro.setProperty("duckdb.read_only", "true");
        Connection conn;
        try {
            conn = DriverManager.getConnection("jdbc:duckdb:" + path, ro);
        } catch (SQLException e) {
            String msg = firstLine(e.getMessage());
            throw new SluiceException(Stage.QUERY, "cannot open DuckDB file " + path + (msg.contains("lock")
                    ? ": it is locked by another process, probably a running pipeline; query it when that run ends" : ": " + msg), e);
        }
        try (Statement st = conn.createStatement()) {
            if (!config.schema().equals("main") && schemaExists(conn, config.schema())) {
                st.execute("SET schema = '" + config.schema() + "'");
            }
            st.execute("SET enable_external_access = false");
            st.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            close(conn);
            throw new SluiceException(Stage.QUERY, "cannot prepare DuckDB file " + path + " for reading: " + firstLine(e.getMessage()), e);
        }
        return new DuckDbQueries(config, conn);
    }

    @Override
    public QueryResult run(String sql) {
        try {
            return JdbcResults.run(conn, sql);
        } catch (SQLException e) {
            // DuckDB's own words about the user's SQL, with its "LINE 1: ... ^" pointer
            String msg = e.getMessage() == null ? "" : e.getMessage().strip();
            String why = msg.contains("read-only mode") ? "the warehouse is opened read-only for queries (" + firstLine(msg) + ")" : msg;
            throw new SluiceException(Stage.QUERY, "query failed on DuckDB file " + config.path().toAbsolutePath().normalize()
                    + ": " + why);
        }
    }

    @Override
    public void close() {
        close(conn);
    }

    private static boolean schemaExists(Connection conn, String schema) throws SQLException {
        try (ResultSet rs = conn.getMetaData().getSchemas(null, schema)) {
            return rs.next();
        }
    }

    private static void close(Connection conn) {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // read-only: nothing to lose
        }
    }

    private static String firstLine(String msg) {
        if (msg == null) {
            return "";
        }
        int nl = msg.indexOf('\n');
        return (nl < 0 ? msg : msg.substring(0, nl)).strip();
    }
}
