package io.sluice.sink.duckdb;

import static io.sluice.sink.duckdb.DuckDbTypes.quote;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.SchemaChange;
import io.sluice.schema.TableBatch;
import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches through DuckDB's Appender inside one transaction that also upserts the pipeline's rows in
 * {@code main._sluice_offsets}; DuckDB's WAL makes that transaction all-or-nothing across a crash.
 */
final class DuckDbSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSink.class);
    static final String OFFSETS_TABLE = "main._sluice_offsets";
    static final String HISTORY_TABLE = "main._sluice_schema_history";

    private final DuckDbSinkConfig config;
    private final String pipeline;
    private final DuckDBConnection conn;
    /** Columns of each table as they are in the database, keyed by lower-case name, in table order. */
    private final Map<String, LinkedHashMap<String, Column>> tables = new HashMap<>();

    private DuckDbSink(DuckDbSinkConfig config, String pipeline, DuckDBConnection conn) {
        this.config = config;
        this.pipeline = pipeline;
        this.conn = conn;
    }

    static DuckDbSink open(DuckDbSinkConfig config, String pipeline) {
        Path path = config.path().toAbsolutePath();
        DuckDBConnection conn;
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + path);
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains("lock")) {
                throw new SluiceException(Stage.CONNECT, "DuckDB file " + config.path()
                        + " is locked by another process; stop it or choose another sink.path (" + firstLine(msg) + ")");
            }
            throw new SluiceException(Stage.CONNECT, "cannot open DuckDB file " + config.path() + ": " + firstLine(msg), e);
        } catch (java.io.IOException e) {
            throw new SluiceException(Stage.CONNECT, "cannot create the directory for DuckDB file " + config.path() + ": " + e, e);
        }
        DuckDbSink sink = new DuckDbSink(config, pipeline, conn);
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + OFFSETS_TABLE + " (pipeline VARCHAR NOT NULL, topic VARCHAR NOT NULL,"
                    + " \"partition\" INTEGER NOT NULL, next_offset BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL,"
                    + " PRIMARY KEY (pipeline, topic, \"partition\"))");
            st.execute("CREATE TABLE IF NOT EXISTS " + HISTORY_TABLE + " (pipeline VARCHAR NOT NULL, table_schema VARCHAR NOT NULL,"
                    + " table_name VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, change VARCHAR NOT NULL, column_name VARCHAR,"
                    + " old_type VARCHAR, new_type VARCHAR NOT NULL, schema_id INTEGER)");
            st.execute("SET checkpoint_threshold = '" + config.checkpointThreshold() + "'");
            st.execute("SET memory_limit = '" + config.memoryLimit() + "'");
            if (!config.schema().equals("main")) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(config.schema()));
            }
        } catch (SQLException e) {
            sink.close();
            throw new SluiceException(Stage.CONNECT, "cannot prepare DuckDB file " + config.path() + ": " + firstLine(e.getMessage()), e);
        }
        return sink;
    }

    static Map<TopicPartition, Long> readOffsets(DuckDbSinkConfig config, String pipeline) {
        Path path = config.path().toAbsolutePath();
        if (!Files.exists(path)) {
            return Map.of();
        }
        java.util.Properties ro = new java.util.Properties();
        ro.setProperty("duckdb.read_only", "true");
        try (DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + path, ro)) {
            try (ResultSet rs = conn.getMetaData().getTables(null, "main", "_sluice_offsets", null)) {
                if (!rs.next()) {
                    return Map.of();
                }
            }
            return new DuckDbSink(config, pipeline, conn).committedOffsets();
        } catch (SQLException e) {
            String msg = firstLine(e.getMessage());
            throw new SluiceException(Stage.CONNECT, "cannot read DuckDB file " + config.path()
                    + (msg.contains("lock") ? " (it is locked by another process, probably a running pipeline)" : "") + ": " + msg, e);
        }
    }

    static Optional<List<Column>> readColumns(DuckDbSinkConfig config, String table) {
        Path path = config.path().toAbsolutePath();
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        java.util.Properties ro = new java.util.Properties();
        ro.setProperty("duckdb.read_only", "true");
        try (DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + path, ro)) {
            LinkedHashMap<String, Column> cols = new DuckDbSink(config, "", conn).describe(table);
            return cols.isEmpty() ? Optional.empty() : Optional.of(new ArrayList<>(cols.values()));
        } catch (SQLException e) {
            String msg = firstLine(e.getMessage());
            throw new SluiceException(Stage.CONNECT, "cannot read DuckDB file " + config.path()
                    + (msg.contains("lock") ? " (it is locked by another process, probably a running pipeline)" : "") + ": " + msg, e);
        }
    }

    static String createTableStatement(DuckDbSinkConfig config, String table, List<Column> columns) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + quote(config.schema()) + "." + quote(table) + " (");
        for (int i = 0; i < columns.size(); i++) {
            ddl.append(i > 0 ? "," : "").append("\n  ").append(quote(columns.get(i).name())).append(' ')
                    .append(DuckDbTypes.sql(columns.get(i).type()));
        }
        return ddl.append("\n);").toString();
    }

    @Override
    public Map<TopicPartition, Long> committedOffsets() {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT topic, \"partition\", next_offset FROM " + OFFSETS_TABLE + " WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }

        } catch (SQLException e) {
            throw new SluiceException(Stage.OFFSETS, "cannot read stored offsets from " + config.path() + ": " + firstLine(e.getMessage()), e);
        }
        return out;
    }

    @Override
    public void commit(Batch batch) {
        // what failed is named by the data it was writing: the offsets and history go last, but a failed COMMIT
        // is about the tables' rows and columns, not about the offsets table
        String step = null;
        List<String> written = new ArrayList<>();
        int widest = 0;
        try {
            begin();
            for (TableBatch tb : batch.tables()) {
                if (tb.size() == 0) {
                    continue;
                }
                step = "changing the columns of table " + tb.table();
                List<Column> target = evolve(tb);
                widest = Math.max(widest, target.size());
                step = "appending " + tb.size() + " rows to table " + tb.table() + " (" + target.size() + " columns)";
                append(tb, target);
                written.add(tb.table() + " (" + tb.size() + " rows, " + target.size() + " columns)");
            }
            step = "recording the schema changes in " + HISTORY_TABLE;
            recordChanges(batch);
            step = "storing the batch's offsets in " + OFFSETS_TABLE;
            upsertOffsets(batch.nextOffsets());
            step = "committing " + (written.isEmpty() ? "the batch's offsets" : "table " + String.join(", table ", written));
            execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new SluiceException(Stage.WRITE, "DuckDB rejected the batch while " + step + " in " + config.path()
                    + "; nothing of it was committed: " + explain(e.getMessage(), widest), e);
        }
    }

    /** DuckDB's first line, with what to do when it ran out of memory, which wide tables make likely. */
    private String explain(String duckdb, int widest) {
        String first = firstLine(duckdb);
        boolean memory = first.contains("Out of Memory") || first.contains("failed to pin block") || first.contains("could not allocate block");
        if (!memory) {
            return first;
        }
        return "DuckDB ran out of memory (sink.memory_limit " + config.memoryLimit() + ")"
                + (widest > 0 ? "; the widest table has " + widest + " columns, and DuckDB needs about 0.5 MiB per column"
                        + " while it appends and commits" : "")
                + ". Raise sink.memory_limit or lower schema.max_columns (" + first + ")";
    }

    @Override
    public void storeOffsets(Map<TopicPartition, Long> nextOffsets) {
        try {
            begin();
            upsertOffsets(nextOffsets);
            execute("COMMIT");
        } catch (SQLException e) {
            rollback();
            throw new SluiceException(Stage.OFFSETS, "cannot store offsets in " + config.path() + ": " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public Optional<List<Column>> columns(String table) {
        try {
            LinkedHashMap<String, Column> cols = describe(table);
            if (cols.isEmpty()) {
                tables.remove(table); // not created yet: ask again next time
                return Optional.empty();
            }
            return Optional.of(new ArrayList<>(cols.values()));
        } catch (SQLException e) {
            throw new SluiceException(Stage.WRITE, "cannot read the columns of table " + table + " in " + config.path() + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    private void recordChanges(Batch batch) throws SQLException {
        if (batch.schemaChanges().values().stream().allMatch(List::isEmpty)) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + HISTORY_TABLE
                + " VALUES (?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<SchemaChange>> e : batch.schemaChanges().entrySet()) {
                for (SchemaChange c : e.getValue()) {
                    ps.setString(1, pipeline);
                    ps.setString(2, config.schema());
                    ps.setString(3, e.getKey());
                    ps.setString(4, c.kind().name().toLowerCase(Locale.ROOT));
                    ps.setString(5, c.column().orElse(null));
                    ps.setString(6, c.before().orElse(null));
                    ps.setString(7, c.after());
                    if (c.schemaId() >= 0) {
                        ps.setInt(8, c.schemaId());
                    } else {
                        ps.setNull(8, java.sql.Types.INTEGER);
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    private void upsertOffsets(Map<TopicPartition, Long> next) throws SQLException {
        if (next.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + OFFSETS_TABLE
                + " VALUES (?, ?, ?, ?, now()::TIMESTAMP) ON CONFLICT (pipeline, topic, \"partition\")"
                + " DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at")) {
            for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
                ps.setString(1, pipeline);
                ps.setString(2, e.getKey().topic());
                ps.setInt(3, e.getKey().partition());
                ps.setLong(4, e.getValue());
                ps.executeUpdate(); // not executeBatch: the driver wraps a batch in a transaction of its own
            }
        }
    }

    /** Creates the table or adds and widens its columns so every batch column fits; returns the table's columns. */
    private List<Column> evolve(TableBatch tb) throws SQLException {
        LinkedHashMap<String, Column> existing = describe(tb.table());
        String qualified = quote(config.schema()) + "." + quote(tb.table());
        try (Statement st = conn.createStatement()) {
            if (existing.isEmpty()) {
                StringBuilder ddl = new StringBuilder("CREATE TABLE " + qualified + " (");
                List<Column> cols = tb.columns();
                for (int i = 0; i < cols.size(); i++) {
                    ddl.append(i > 0 ? ", " : "").append(quote(cols.get(i).name())).append(' ')
                            .append(DuckDbTypes.sql(cols.get(i).type()));
                    existing.put(key(cols.get(i).name()), cols.get(i));
                }
                st.execute(ddl.append(')').toString());
                LOG.debug("created table {} with {} columns", qualified, cols.size());
            } else {
                for (Column c : tb.columns()) {
                    Column had = existing.get(key(c.name()));
                    if (had == null) {
                        st.execute("ALTER TABLE " + qualified + " ADD COLUMN " + quote(c.name()) + " " + DuckDbTypes.sql(c.type()));
                        existing.put(key(c.name()), c);
                        LOG.debug("table {}: added column {} {}", qualified, c.name(), DuckDbTypes.sql(c.type()));
                    } else if (!had.type().equals(c.type())) {
                        DataType wide = DataType.widen(had.type(), c.type());
                        if (!wide.equals(had.type())) {
                            boolean nested = had.type() instanceof Struct || had.type() instanceof DataType.ListOf
                                    || had.type() instanceof DataType.MapOf;
                            String using = nested && wide instanceof Scalar
                                    ? " USING to_json(" + quote(had.name()) + ")::VARCHAR" : "";
                            st.execute("ALTER TABLE " + qualified + " ALTER COLUMN " + quote(had.name()) + " TYPE "
                                    + DuckDbTypes.sql(wide) + using);
                            existing.put(key(c.name()), new Column(had.name(), wide));
                            LOG.debug("table {}: widened column {} from {} to {}", qualified, had.name(),
                                    DuckDbTypes.sql(had.type()), DuckDbTypes.sql(wide));
                        }
                    }
                }
            }
        }
        return new ArrayList<>(existing.values());
    }

    private LinkedHashMap<String, Column> describe(String table) throws SQLException {
        LinkedHashMap<String, Column> cached = tables.get(table);
        if (cached != null) {
            return cached;
        }
        LinkedHashMap<String, Column> cols = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, config.schema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String type = rs.getString(2);
                    DataType t = DuckDbTypes.parse(type).orElseThrow(() -> new SluiceException(Stage.WRITE,
                            "table " + table + " column " + name + " has type " + type
                                    + ", which Sluice does not write; alter or drop the column"));
                    cols.put(key(name), new Column(name, t));
                }
            }
        }
        tables.put(table, cols);
        return cols;
    }

    private void append(TableBatch tb, List<Column> target) throws SQLException {
        List<Column> batchCols = tb.columns();
        Map<String, Integer> batchIndex = new HashMap<>();
        for (int i = 0; i < batchCols.size(); i++) {
            batchIndex.put(key(batchCols.get(i).name()), i);
        }
        int n = target.size();
        int[] source = new int[n];
        DuckDbValues.Writer[] writers = new DuckDbValues.Writer[n];
        for (int i = 0; i < n; i++) {
            source[i] = batchIndex.getOrDefault(key(target.get(i).name()), -1);
            writers[i] = DuckDbValues.writer(target.get(i).type());
        }
        try (DuckDBAppender ap = conn.createAppender(config.schema(), tb.table())) {
            for (Object[] row : tb.rows()) {
                ap.beginRow();
                for (int i = 0; i < n; i++) {
                    int s = source[i];
                    writers[i].append(ap, s >= 0 && s < row.length ? row[s] : null);
                }
                ap.endRow();
            }
            ap.flush();
        }
    }

    /**
     * Starts an explicit transaction. JDBC's setAutoCommit(false) is not enough: the DuckDB driver begins its
     * transaction lazily at the next statement, so an Appender flushed before any statement would commit on
     * its own, apart from the offsets.
     */
    private void begin() throws SQLException {
        execute("BEGIN TRANSACTION");
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    private void rollback() {
        tables.clear();
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            // a COMMIT that failed has already ended the transaction
            if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                LOG.warn("rollback failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.warn("closing {} failed: {}", config.path(), e.getMessage());
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no details";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
