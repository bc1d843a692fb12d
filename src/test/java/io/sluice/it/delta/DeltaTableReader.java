package io.sluice.it.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.it.contract.DuckDbReader;
import io.sluice.schema.Column;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An independent reader of a local Delta table for tests: it shares no code with Delta Kernel (the log is replayed
 * with Jackson, the checkpoint and the data files are read with DuckDB), so a test that reads back what the Delta sink
 * wrote checks the table as another engine would see it, not as the sink believes it wrote it.
 *
 * <p>It reads what Sluice's tables use: protocol up to (3, 7) with the reader features columnMapping (mode
 * {@code name}), typeWidening, timestampNtz and vacuumProtocolCheck; partition columns; classic single-file
 * checkpoints; column types Sluice has counterparts for. Anything else (deletion vectors, v2 or multi-part
 * checkpoints it would need, column mapping by id, an unknown action, a file whose types do not match the schema)
 * fails with an {@link IllegalStateException} naming it, rather than reading something wrong.
 *
 * <p>A reader is a snapshot: {@link #latest} or {@link #atVersion} replays the log once; a later commit needs a new
 * reader. An S3 table is read from a local copy of its objects (its log uses relative paths).
 */
public final class DeltaTableReader {
    private static final Set<String> READER_FEATURES =
            Set.of("columnMapping", "typeWidening", "typeWidening-preview", "timestampNtz", "vacuumProtocolCheck");

    /** A file of the snapshot: {@code partitionValues} by logical column name, null for the null partition. */
    public record LiveFile(String path, Path file, long size, Map<String, String> partitionValues, long numRecords,
            boolean dataChange) {}

    /** The table's protocol action. */
    public record Protocol(int minReaderVersion, int minWriterVersion, Set<String> readerFeatures, Set<String> writerFeatures) {}

    /**
     * One commit of the history. Rows are counted from the actions ({@code numRecords} of the file statistics, else
     * the file's Parquet footer), not from {@code commitInfo.operationMetrics}, which Kernel leaves empty.
     * {@code operation} is null when the commit has no commitInfo; {@code timestampMillis} is its inCommitTimestamp
     * or timestamp (else the commit file's modification time); {@code dataChange} is true when any add or remove
     * changes data; {@code schemaChanged} when the commit's metaData has another schema than the version before.
     */
    public record Commit(long version, String operation, long timestampMillis, int filesAdded, int filesRemoved,
            long rowsAdded, long rowsRemoved, boolean dataChange, boolean schemaChanged) {}

    private final DeltaLog log;
    private final DeltaLog.State state;
    private final DeltaSchema schema;
    private final List<String> partitionColumns;
    private final Map<String, String> properties;
    private final Protocol protocol;

    private DeltaTableReader(DeltaLog log, long version) {
        this.log = log;
        this.state = log.replay(version);
        this.protocol = protocol(state.protocol);
        this.properties = properties(state.metadata);
        checkReadable();
        this.schema = DeltaSchema.parse(schemaJson(state.metadata, log.log), "name".equals(mappingMode()));
        List<String> parts = new ArrayList<>();
        for (JsonNode p : state.metadata.path("partitionColumns")) {
            parts.add(schema.field(p.asText()).name());
        }
        this.partitionColumns = List.copyOf(parts);
        for (String p : partitionColumns) {
            if (!(schema.field(p).type() instanceof DeltaSchema.Primitive || schema.field(p).type() instanceof DeltaSchema.Dec)) {
                throw new IllegalStateException(where() + ": partition column " + p + " is not of a primitive type");
            }
        }
    }

    /** The table at its latest version. */
    public static DeltaTableReader latest(Path table) {
        DeltaLog log = new DeltaLog(table);
        return new DeltaTableReader(log, log.latestVersion());
    }

    /** The table as of {@code version} (time travel). */
    public static DeltaTableReader atVersion(Path table, long version) {
        return new DeltaTableReader(new DeltaLog(table), version);
    }

    public Path table() {
        return log.table;
    }

    public long version() {
        return state.version;
    }

    /** The version of the checkpoint the replay started from, or -1 when it replayed every commit from 0. */
    public long checkpointVersion() {
        return state.checkpoint;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** {@code metaData.configuration}: the table properties. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The logical schema, in the table's column order, as Sluice types (partition columns included). */
    public List<Column> columns() {
        return schema.columns();
    }

    /** The partition columns by logical name, in the table's partition order. */
    public List<String> partitionColumns() {
        return partitionColumns;
    }

    /** The live data files of the snapshot, in replay order (the checkpoint's, then the later commits'). */
    public List<LiveFile> files() {
        List<LiveFile> out = new ArrayList<>();
        state.live.forEach((file, add) -> out.add(liveFile(file, add)));
        return out;
    }

    /** The newest {@code txn} version of every application id. */
    public Map<String, Long> transactionVersions() {
        return Collections.unmodifiableMap(state.txns);
    }

    /** The configuration of every domain whose latest domainMetadata action did not remove it. */
    public Map<String, String> domainMetadata() {
        Map<String, String> out = new TreeMap<>();
        state.domains.forEach((d, a) -> {
            if (!a.path("removed").asBoolean(false)) {
                out.put(d, a.path("configuration").asText());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * A DuckDB reader of exactly the live files: physical columns under their logical names, columns a file lacks as
     * typed NULLs, widened columns cast to the current type, partition values as typed columns. Builds (and checks)
     * the view now: every live file must exist with the size the log gives, hold the row count its statistics give,
     * and hold each column in a type the schema's type is, or widens from.
     */
    public DuckDbReader reader() {
        String view = new ScanSql(this, schema).view();
        return new DuckDbReader(List.of("CREATE VIEW delta_table AS " + view), "delta_table");
    }

    /** The commits from version 0 to this reader's version; every commit file must still be in the log. */
    public List<Commit> history() {
        return new History(log).upTo(state.version);
    }

    String where() {
        return log.table + " at version " + state.version;
    }

    DeltaLog log() {
        return log;
    }

    Map<Path, JsonNode> liveAdds() {
        return state.live;
    }

    boolean typeWidening() {
        return protocol.readerFeatures().contains("typeWidening") || protocol.readerFeatures().contains("typeWidening-preview")
                || protocol.writerFeatures().contains("typeWidening") || protocol.writerFeatures().contains("typeWidening-preview");
    }

    boolean mapped() {
        return "name".equals(mappingMode());
    }

    /** Partition values keyed by logical name, from an add's map keyed by physical name. */
    Map<String, String> partitionValues(JsonNode add, Path file) {
        JsonNode pv = add.path("partitionValues");
        Map<String, String> byPhysical = new HashMap<>();
        pv.properties().forEach(e -> byPhysical.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : partitionColumns) {
            String physical = schema.field(p).physical();
            if (!byPhysical.containsKey(physical)) {
                throw new IllegalStateException(where() + ": file " + file + " has no partition value for " + p
                        + (mapped() ? " (physical name " + physical + ")" : "") + "; it has " + byPhysical.keySet());
            }
            String v = byPhysical.remove(physical);
            // the protocol: an empty string is the null partition value, whatever the type
            out.put(p, v == null || v.isEmpty() ? null : v);
        }
        if (!byPhysical.isEmpty()) {
            throw new IllegalStateException(where() + ": file " + file + " has partition values for " + byPhysical.keySet()
                    + ", which are no partition columns' " + (mapped() ? "physical names" : "names"));
        }
        return out;
    }

    static long numRecords(JsonNode action, Path where) {
        JsonNode stats = action.get("stats");
        if (stats == null || stats.isNull()) {
            return -1;
        }
        try {
            JsonNode n = DeltaLog.JSON.readTree(stats.asText()).get("numRecords");
            return n == null ? -1 : n.asLong();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(where + ": the stats of " + action.path("path").asText() + " are not JSON: "
                    + e.getOriginalMessage());
        }
    }

    private LiveFile liveFile(Path file, JsonNode add) {
        return new LiveFile(add.path("path").asText(), file, add.path("size").asLong(-1), partitionValues(add, file),
                numRecords(add, file), add.path("dataChange").asBoolean(true));
    }

    private String mappingMode() {
        String mode = properties.get("delta.columnMapping.mode");
        return mode == null ? "none" : mode;
    }

    private void checkReadable() {
        if (state.protocol == null) {
            throw new IllegalStateException(where() + " has no protocol action");
        }
        if (state.metadata == null) {
            throw new IllegalStateException(where() + " has no metaData action");
        }
        int reader = protocol.minReaderVersion();
        if (reader < 1 || reader > 3) {
            throw new IllegalStateException(where() + " needs reader version " + reader + "; this reader reads 1 to 3");
        }
        if (reader == 3) {
            for (String f : protocol.readerFeatures()) {
                if (!READER_FEATURES.contains(f)) {
                    throw new IllegalStateException(where() + " uses the reader feature " + f + ", which this reader does"
                            + " not support (it supports " + new TreeSet<>(READER_FEATURES) + ")");
                }
            }
        }
        String provider = state.metadata.path("format").path("provider").asText("parquet");
        if (!provider.equals("parquet")) {
            throw new IllegalStateException(where() + " stores its data as " + provider + ", not parquet");
        }
        String mode = mappingMode();
        if (!mode.equals("none") && !mode.equals("name")) {
            throw new IllegalStateException(where() + " maps columns by " + mode + " (delta.columnMapping.mode);"
                    + " this reader reads mode name or none");
        }
    }

    private static JsonNode schemaJson(JsonNode metadata, Path where) {
        try {
            return DeltaLog.JSON.readTree(metadata.path("schemaString").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(where + ": metaData.schemaString is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Protocol protocol(JsonNode p) {
        if (p == null) {
            return new Protocol(0, 0, Set.of(), Set.of());
        }
        return new Protocol(p.path("minReaderVersion").asInt(), p.path("minWriterVersion").asInt(), names(p.get("readerFeatures")),
                names(p.get("writerFeatures")));
    }

    private static Set<String> names(JsonNode array) {
        Set<String> out = new TreeSet<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return Collections.unmodifiableSet(out);
    }

    private static Map<String, String> properties(JsonNode metadata) {
        Map<String, String> out = new TreeMap<>();
        if (metadata != null) {
            metadata.path("configuration").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return Collections.unmodifiableMap(out);
    }
}
