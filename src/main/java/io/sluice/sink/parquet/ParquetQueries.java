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
                List<ParquetSinkConfig.PartitionField> layout = e.getValue().partitionBy().orElse(config.partitionBy());
                views.append(view(e.getKey(), quoted, layout, e.getValue().columns())).append(";\n");
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
     * A table's view. Its columns come from the files, identity partition columns included, never from directory
     * names: those cannot tell an empty string, or a value too long to name a directory, from a null, and a
     * {@code k=v} folder in sink.path would become a column. Transformed partitions ({@code _kafka_timestamp_day}),
     * which only the directories hold, are taken from the file's path, as DuckDB's hive_partitioning names and types
     * them (year BIGINT, month VARCHAR, day DATE, hour VARCHAR; NULL for the default partition).
     */
    private static String view(String table, List<String> files, List<ParquetSinkConfig.PartitionField> layout,
            List<io.sluice.schema.Column> columns) {
        List<String> derived = new ArrayList<>();
        for (ParquetSinkConfig.PartitionField f : layout) {
            boolean inFiles = columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(f.dirName()));
            if (f.transform() == ParquetSinkConfig.Transform.IDENTITY || inFiles) {
                continue;
            }
            String pattern = "/" + regexQuote(Partitioner.dirKey(f)) + "=([^/]*)(?:/[^/]*=[^/]*)*/[^/]*$";
            String text = "NULLIF(NULLIF(regexp_extract(" + FILE + ", " + literal(pattern) + ", 1), ''), "
                    + literal(Partitioner.DEFAULT_PARTITION) + ")";
            String type = switch (f.transform()) {
                case YEAR -> "BIGINT";
                case DAY -> "DATE";
                default -> "VARCHAR";
            };
            derived.add("TRY_CAST(" + text + " AS " + type + ") AS " + identifier(f.dirName()));
        }
        String read = "read_parquet([" + String.join(", ", files) + "], hive_partitioning = false, union_by_name = true"
                + (derived.isEmpty() ? "" : ", filename = " + literal(FILE)) + ")";
        String select = derived.isEmpty() ? "*" : "* EXCLUDE (" + FILE + "), " + String.join(", ", derived);
        return "CREATE VIEW " + identifier(table) + " AS SELECT " + select + " FROM " + read;
    }

    /** The column read_parquet adds for each row's file; {@code _sluice} is a prefix no payload column has. */
    private static final String FILE = "_sluice_file";

    /** {@code s} matched literally by RE2: ASCII punctuation escaped, everything else as it is. */
    private static String regexQuote(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && !Character.isLetterOrDigit(c) && c != ' ') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
