package io.sluice.sink.parquet;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.JdbcResults;
import io.sluice.sink.Queries;
import io.sluice.sink.QueryResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice query} on a Parquet sink: an in-memory DuckDB with one view per table over exactly the files its
 * ledger commits; DuckDB may read those files and nothing else.
 */
final class ParquetQueries implements Queries {
    private final String location;
    private final Connection conn;

    private ParquetQueries(String location, Connection conn) {
        this.location = location;
        this.conn = conn;
    }

    static ParquetQueries open(ParquetSinkConfig config, String pipeline) {
        if (config.s3()) {
            throw new SluiceException(Stage.QUERY, "sluice query cannot read " + config.path() + " yet: querying S3 needs"
                    + " DuckDB's httpfs extension, which cannot be installed here. Copy the table's files to a local"
                    + " directory and query them with DuckDB's read_parquet(..., hive_partitioning=true)");
        }
        List<String> allowed = new ArrayList<>();
        StringBuilder views = new StringBuilder();
        try (Ledgers ledgers = Ledgers.read(config)) {
            Map<String, LedgerEntry> heads = ledgers.heads();
            if (heads.isEmpty()) {
                throw new SluiceException(Stage.QUERY, "pipeline " + pipeline + " has not committed anything yet: "
                        + config.location() + " holds no table ledger (`sluice run` writes it)");
            }
            for (Map.Entry<String, LedgerEntry> e : heads.entrySet()) {
                List<String> files = ledgers.committedFiles(e.getKey());
                if (files.isEmpty()) {
                    continue;
                }
                List<String> quoted = new ArrayList<>();
                for (String f : files) {
                    String path = ledgers.store().describe(f);
                    allowed.add(literal(path));
                    quoted.add(literal(path));
                }
                views.append("CREATE VIEW ").append(identifier(e.getKey())).append(" AS SELECT * FROM read_parquet([")
                        .append(String.join(", ", quoted)).append("], hive_partitioning = true, union_by_name = true")
                        .append(hiveTypes(config, e.getValue().columns())).append(");\n");
            }
        }
        Connection conn;
        try {
            conn = DriverManager.getConnection("jdbc:duckdb:");
        } catch (SQLException e) {
            throw new SluiceException(Stage.QUERY, "cannot start DuckDB to query " + config.location() + ": " + e.getMessage(), e);
        }
        try (Statement st = conn.createStatement()) {
            if (!allowed.isEmpty()) {
                st.execute("SET allowed_paths = [" + String.join(", ", allowed) + "]");
            }
            st.execute("SET enable_external_access = false");
            st.execute("SET lock_configuration = true");
            for (String v : views.toString().split(";\n")) {
                if (!v.isBlank()) {
                    st.execute(v);
                }
            }
        } catch (SQLException e) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // nothing to keep
            }
            throw new SluiceException(Stage.QUERY, "cannot open the Parquet files under " + config.location() + ": "
                    + e.getMessage(), e);
        }
        return new ParquetQueries(config.location(), conn);
    }

    @Override
    public QueryResult run(String sql) {
        try {
            return JdbcResults.run(conn, sql);
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().strip();
            throw new SluiceException(Stage.QUERY, "query failed on the Parquet files under " + location + ": " + msg);
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

    /**
     * The types of identity partition columns, which the files also hold: DuckDB would otherwise guess them from the
     * directory names (a VARCHAR "42" would become BIGINT, a TIMESTAMP a VARCHAR).
     */
    private static String hiveTypes(ParquetSinkConfig config, List<io.sluice.schema.Column> columns) {
        List<String> types = new ArrayList<>();
        for (ParquetSinkConfig.PartitionField f : config.partitionBy()) {
            if (f.transform() != ParquetSinkConfig.Transform.IDENTITY) {
                continue;
            }
            for (io.sluice.schema.Column c : columns) {
                if (c.name().equalsIgnoreCase(f.column())) {
                    sqlType(c.type()).ifPresent(t -> types.add(literal(f.dirName()) + ": " + literal(t)));
                }
            }
        }
        return types.isEmpty() ? "" : ", hive_types = {" + String.join(", ", types) + "}";
    }

    private static java.util.Optional<String> sqlType(io.sluice.schema.DataType t) {
        if (t instanceof io.sluice.schema.DataType.Decimal d) {
            return java.util.Optional.of("DECIMAL(" + d.precision() + ", " + d.scale() + ")");
        }
        if (!(t instanceof io.sluice.schema.DataType.Scalar s)) {
            return java.util.Optional.empty();
        }
        return switch (s) {
            case TIMESTAMP -> java.util.Optional.of("TIMESTAMPTZ");
            case JSON, BLOB -> java.util.Optional.empty();
            default -> java.util.Optional.of(s.name());
        };
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
