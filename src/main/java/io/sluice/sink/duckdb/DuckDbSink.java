package io.sluice.sink.duckdb;

import static io.sluice.sink.duckdb.DuckDbTypes.quote;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.SchemaChange;
import io.sluice.schema.TypeSupport;
import io.sluice.sink.ColumnValues;
import io.sluice.sink.SinkCapabilities;
import io.sluice.sink.TableRows;
import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
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
 * Writes batches through DuckDB's Appender inside one transaction that also upserts the batch's positions (per
 * table and partition) in {@code main._sluice_offsets}; DuckDB's WAL makes that transaction all-or-nothing across a
 * crash.
 */
final class DuckDbSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSink.class);
    static final String OFFSETS_TABLE = "main._sluice_offsets";
    static final String HISTORY_TABLE = "main._sluice_schema_history";
    /** Where offsets stored per pipeline (before positions per table) wait until their pipeline runs again. */
    static final String LEGACY_OFFSETS_TABLE = "main._sluice_offsets_v1";
    /** DuckDB stores every Sluice type, applies every safe widening with ALTER, and commits all tables at once. */
    static final SinkCapabilities CAPABILITIES = new SinkCapabilities(TypeSupport.ALL, true, true);

    private final DuckDbSinkConfig config;
    private final String pipeline;
    private final DuckDBConnection conn;
    /** Columns of each table as they are in the database, keyed by lower-case name, in table order. */
    private final Map<String, LinkedHashMap<String, Column>> tables = new HashMap<>();
    /** A transaction spans batches until it is large or old enough (see {@link DuckDbSinkConfig#commitRows}). */
    private boolean inTransaction;
    private long transactionStarted;
    private long transactionRows;
    private final Map<String, Long> transactionTables = new LinkedHashMap<>();
    /** The sequence of the newest batch written, and of the newest one committed. */
    private long written = -1;
    private long durable = -1;
    private long lastChangeMicros;

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
                throw new io.sluice.sink.FencedException("pipeline " + pipeline + " cannot write to DuckDB file " + config.path()
                        + ": another writer holds it" + holder(msg) + "; nothing was read or written. Stop that writer, or choose"
                        + " another sink.path (" + firstLine(msg) + ")");
            }
            throw new SluiceException(Stage.CONNECT, "cannot open DuckDB file " + config.path() + ": " + firstLine(msg), e);
        } catch (java.io.IOException e) {
            throw new SluiceException(Stage.CONNECT, "cannot create the directory for DuckDB file " + config.path() + ": " + e, e);
        }
        DuckDbSink sink = new DuckDbSink(config, pipeline, conn);
        try (Statement st = conn.createStatement()) {
            st.execute("SET checkpoint_threshold = '" + config.checkpointThreshold() + "'");
            st.execute("SET memory_limit = '" + config.memoryLimit() + "'");
            st.execute("SET threads = " + config.threads());
            sink.prepare();
            if (!config.schema().equals("main")) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(config.schema()));
            }
        } catch (SQLException e) {
            sink.close();
            throw new SluiceException(Stage.CONNECT, "cannot prepare DuckDB file " + config.path() + ": " + firstLine(e.getMessage()), e);
        }
        return sink;
    }

    /**
     * Creates the positions and history tables, and moves this pipeline's offsets from the layout before positions
     * were kept per table (one row per pipeline and partition) into the table its topic maps to.
     */
    private void prepare() throws SQLException {
        boolean legacy = hasTable(LEGACY_OFFSETS_TABLE) || (hasTable("_sluice_offsets") && !hasColumn("_sluice_offsets", "table_name"));
        begin();
        try {
            if (hasTable("_sluice_offsets") && !hasColumn("_sluice_offsets", "table_name")) {
                execute("ALTER TABLE " + OFFSETS_TABLE + " RENAME TO " + LEGACY_OFFSETS_TABLE.substring("main.".length()));
            }
            execute("CREATE TABLE IF NOT EXISTS " + OFFSETS_TABLE + " (table_schema VARCHAR NOT NULL, table_name VARCHAR NOT NULL,"
                    + " topic VARCHAR NOT NULL, \"partition\" INTEGER NOT NULL, next_offset BIGINT NOT NULL, topic_id VARCHAR,"
                    + " pipeline VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL,"
                    + " PRIMARY KEY (table_schema, table_name, topic, \"partition\"))");
            execute("CREATE TABLE IF NOT EXISTS " + HISTORY_TABLE + " (pipeline VARCHAR NOT NULL, table_schema VARCHAR NOT NULL,"
                    + " table_name VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, change VARCHAR NOT NULL, column_name VARCHAR,"
                    + " old_type VARCHAR, new_type VARCHAR NOT NULL, schema_id INTEGER)");
            if (legacy) {
                List<TablePosition> moved = legacyPositions(LEGACY_OFFSETS_TABLE);
                if (!moved.isEmpty()) {
                    upsertPositions(moved);
                    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + LEGACY_OFFSETS_TABLE + " WHERE pipeline = ?")) {
                        ps.setString(1, pipeline);
                        ps.executeUpdate();
                    }
                    LOG.info("moved the stored offsets of pipeline {} ({} partitions) into per-table positions", pipeline, moved.size());
                }
            }
            execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** This pipeline's offsets in the layout before per-table positions, mapped to the tables their topics feed. */
    private List<TablePosition> legacyPositions(String table) throws SQLException {
        List<TablePosition> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT topic, \"partition\", next_offset FROM " + table + " WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String topic = rs.getString(1);
                    out.add(new TablePosition(config.targetFor(topic), new TopicPartition(topic, rs.getInt(2)), rs.getLong(3),
                            Optional.empty()));
                }
            }
        }
        return out;
    }

    private boolean hasTable(String name) throws SQLException {
        try (ResultSet rs = conn.getMetaData().getTables(null, "main", name.startsWith("main.") ? name.substring(5) : name, null)) {
            return rs.next();
        }
    }

    private boolean hasColumn(String table, String column) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM information_schema.columns"
                + " WHERE table_schema = 'main' AND table_name = ? AND column_name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static List<StoredPosition> readPositions(DuckDbSinkConfig config, String pipeline) {
        Path path = config.path().toAbsolutePath();
        if (!Files.exists(path)) {
            return List.of();
        }
        java.util.Properties ro = new java.util.Properties();
        ro.setProperty("duckdb.read_only", "true");
        try (DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + path, ro)) {
            DuckDbSink reader = new DuckDbSink(config, pipeline, conn);
            List<StoredPosition> out = new ArrayList<>();
            boolean current = reader.hasTable("_sluice_offsets") && reader.hasColumn("_sluice_offsets", "table_name");
            if (current) {
                out.addAll(reader.positions());
            }
            String legacy = current ? (reader.hasTable(LEGACY_OFFSETS_TABLE) ? LEGACY_OFFSETS_TABLE : null)
                    : (reader.hasTable("_sluice_offsets") ? OFFSETS_TABLE : null);
            if (legacy != null) {
                reader.legacyPositions(legacy).forEach(p -> out.add(new StoredPosition(p, pipeline)));
            }
            return out;
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

    /**
     * Positions of a table that Sluice created and someone dropped since are left out (with a warning): the table no
     * longer holds those records, so its partitions start again from {@code initial_position}. A table never created
     * (every record so far skipped) keeps its positions.
     */
    @Override
    public List<StoredPosition> positions() {
        List<StoredPosition> out = new ArrayList<>();
        java.util.TreeMap<String, Long> dropped = new java.util.TreeMap<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT o.table_name, o.topic, o.\"partition\", o.next_offset, o.topic_id,"
                + " o.pipeline, t.table_name IS NULL AND EXISTS (SELECT 1 FROM " + HISTORY_TABLE + " h"
                + "   WHERE h.table_schema = o.table_schema AND lower(h.table_name) = lower(o.table_name) AND h.change = 'create_table')"
                + " FROM " + OFFSETS_TABLE + " o LEFT JOIN information_schema.tables t"
                + "   ON t.table_schema = o.table_schema AND lower(t.table_name) = lower(o.table_name)"
                + " WHERE o.table_schema = ?")) {
            ps.setString(1, config.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(7)) {
                        dropped.merge(rs.getString(1), 1L, Long::sum);
                        continue;
                    }
                    out.add(new StoredPosition(new TablePosition(rs.getString(1), new TopicPartition(rs.getString(2), rs.getInt(3)),
                            rs.getLong(4), Optional.ofNullable(rs.getString(5))), rs.getString(6)));
                }
            }
        } catch (SQLException e) {
            throw new SluiceException(Stage.OFFSETS, "cannot read stored positions from " + config.path() + ": " + firstLine(e.getMessage()), e);
        }
        dropped.forEach((table, n) -> LOG.warn("table {}.{} was dropped since Sluice created it: its stored positions ({} partitions)"
                + " are not used, so its records are read again from initial_position", config.schema(), table, n));
        return out;
    }

    @Override
    public SinkCapabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * Appends the batch inside the open transaction (beginning one when none is), with its schema changes and positions,
     * and commits once the transaction holds {@code commit_rows} rows or has been open {@code commit_interval_ms}.
     */
    @Override
    public long write(Batch batch) {
        // what failed is named by the data it was writing: the offsets and history go last, but a failed COMMIT
        // is about the tables' rows and columns, not about the offsets table
        String step = null;
        int widest = 0;
        try {
            if (!inTransaction) {
                begin();
                inTransaction = true;
                transactionStarted = System.nanoTime();
                transactionRows = 0;
                transactionTables.clear();
            }
            for (TableRows rows : batch.tables()) {
                if (rows.size() == 0) {
                    continue;
                }
                step = "changing the columns of table " + rows.table();
                List<Column> target = evolve(rows);
                widest = Math.max(widest, target.size());
                step = "appending " + rows.size() + " rows to table " + rows.table() + " (" + target.size() + " columns)";
                append(rows, target);
                transactionRows += rows.size();
                transactionTables.merge(rows.table(), (long) rows.size(), Long::sum);
            }
            step = "recording the schema changes in " + HISTORY_TABLE;
            recordChanges(batch);
            step = "storing the batch's positions in " + OFFSETS_TABLE;
            upsertPositions(batch.positions());
            written = batch.sequence();
            if (transactionRows >= config.commitRows() || flushDue()) {
                step = committing();
                commitTransaction();
            }
            return durable;
        } catch (SQLException | RuntimeException e) {
            throw failed(e, step, widest);
        }
    }

    @Override
    public long flush() {
        if (!inTransaction) {
            return durable;
        }
        String step = committing();
        try {
            commitTransaction();
            return durable;
        } catch (SQLException | RuntimeException e) {
            throw failed(e, step, 0);
        }
    }

    @Override
    public boolean flushDue() {
        return inTransaction && System.nanoTime() - transactionStarted >= config.commitInterval().toNanos();
    }

    private String committing() {
        List<String> tablesOut = new ArrayList<>();
        transactionTables.forEach((t, n) -> tablesOut.add(t + " (" + n + " rows)"));
        return "committing " + (tablesOut.isEmpty() ? "the batch's positions" : "table " + String.join(", table ", tablesOut));
    }

    private void commitTransaction() throws SQLException {
        execute("COMMIT");
        inTransaction = false;
        durable = written;
    }

    private SluiceException failed(Exception e, String step, int widest) {
        rollback();
        inTransaction = false;
        return new SluiceException(Stage.WRITE, "DuckDB rejected the batch while " + step + " in " + config.path()
                + "; nothing since the last commit was committed: " + explain(e.getMessage(), widest), e);
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
    public void storePositions(List<TablePosition> positions) {
        if (inTransaction) {
            throw new IllegalStateException("positions are stored apart only while no batch waits to be committed");
        }
        try {
            begin();
            upsertPositions(positions);
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
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<SchemaChange>> e : batch.schemaChanges().entrySet()) {
                for (SchemaChange c : e.getValue()) {
                    ps.setString(1, pipeline);
                    ps.setString(2, config.schema());
                    ps.setString(3, e.getKey());
                    ps.setObject(4, changedAt());
                    ps.setString(5, c.kind().name().toLowerCase(Locale.ROOT));
                    ps.setString(6, c.column().orElse(null));
                    ps.setString(7, c.before().orElse(null));
                    ps.setString(8, c.after());
                    if (c.schemaId() >= 0) {
                        ps.setInt(9, c.schemaId());
                    } else {
                        ps.setNull(9, java.sql.Types.INTEGER);
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    /**
     * When a schema change happened, strictly later than the previous one: DuckDB's now() is the transaction's start,
     * and one transaction may hold the changes of several batches, whose order the history must keep.
     */
    private java.time.LocalDateTime changedAt() {
        long micros = Math.max(lastChangeMicros + 1, java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
                java.time.Instant.now()));
        lastChangeMicros = micros;
        return java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000,
                java.time.ZoneOffset.UTC);
    }

    private void upsertPositions(List<TablePosition> positions) throws SQLException {
        if (positions.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + OFFSETS_TABLE
                + " VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP) ON CONFLICT (table_schema, table_name, topic, \"partition\")"
                + " DO UPDATE SET next_offset = excluded.next_offset, topic_id = coalesce(excluded.topic_id, topic_id),"
                + " pipeline = excluded.pipeline, updated_at = excluded.updated_at")) {
            for (TablePosition p : positions) {
                ps.setString(1, config.schema());
                ps.setString(2, p.table());
                ps.setString(3, p.partition().topic());
                ps.setInt(4, p.partition().partition());
                ps.setLong(5, p.nextOffset());
                ps.setString(6, p.topicId().orElse(null));
                ps.setString(7, pipeline);
                ps.executeUpdate(); // not executeBatch: the driver wraps a batch in a transaction of its own
            }
        }
    }

    /** Creates the table or adds and widens its columns so every batch column fits; returns the table's columns. */
    private List<Column> evolve(TableRows tb) throws SQLException {
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

    private void append(TableRows rows, List<Column> target) throws SQLException {
        Map<String, Integer> index = new HashMap<>();
        List<Column> cols = rows.columns();
        for (int i = 0; i < cols.size(); i++) {
            index.put(key(cols.get(i).name()), i);
        }
        int n = target.size();
        ColumnValues[] source = new ColumnValues[n];
        DuckDbValues.Writer[] writers = new DuckDbValues.Writer[n];
        for (int i = 0; i < n; i++) {
            Integer c = index.get(key(target.get(i).name()));
            source[i] = c == null ? null : rows.column(c);
            writers[i] = DuckDbValues.writer(target.get(i).type());
        }
        try (DuckDBAppender ap = conn.createAppender(config.schema(), rows.table())) {
            for (int r = 0; r < rows.size(); r++) {
                ap.beginRow();
                for (int i = 0; i < n; i++) {
                    if (source[i] == null) {
                        ap.appendNull();
                    } else {
                        writers[i].append(ap, source[i], r);
                    }
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

    /** The process DuckDB names as holding the lock: " (PID 123, /usr/bin/java)", or "". */
    private static String holder(String msg) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("held in (\\S+) \\(PID (\\d+)\\)").matcher(msg);
        return m.find() ? " (PID " + m.group(2) + ", " + m.group(1) + ")" : "";
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
