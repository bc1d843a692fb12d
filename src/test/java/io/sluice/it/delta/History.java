package io.sluice.it.delta;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.it.delta.DeltaTableReader.Commit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The table's history from its commits alone: every {@code N.json} from 0, the rows of each added file remembered so
 * a remove that carries no statistics is still counted. A file whose rows neither its statistics nor a readable
 * Parquet footer give fails the count.
 */
final class History {
    private final DeltaLog log;
    private final Map<Path, Long> rowsByFile = new HashMap<>();

    History(DeltaLog log) {
        this.log = log;
    }

    List<Commit> upTo(long version) {
        List<Commit> out = new ArrayList<>();
        String schema = null;
        for (long v = 0; v <= version; v++) {
            Path where = log.log.resolve(String.format("%020d.json", v));
            String operation = null;
            long timestamp = -1;
            int filesAdded = 0;
            int filesRemoved = 0;
            long rowsAdded = 0;
            long rowsRemoved = 0;
            boolean dataChange = false;
            boolean schemaChanged = false;
            for (JsonNode action : log.commit(v)) {
                String kind = DeltaLog.kind(action, where);
                JsonNode a = action.get(kind);
                switch (kind) {
                    case "add" -> {
                        Path file = log.resolve(DeltaLog.text(a, "path", where), where);
                        long rows = rows(a, file, where);
                        rowsByFile.put(file, rows);
                        filesAdded++;
                        rowsAdded += rows;
                        dataChange |= a.path("dataChange").asBoolean(true);
                    }
                    case "remove" -> {
                        Path file = log.resolve(DeltaLog.text(a, "path", where), where);
                        long rows = DeltaTableReader.numRecords(a, where);
                        if (rows < 0) {
                            Long known = rowsByFile.get(file);
                            rows = known != null ? known : rows(a, file, where);
                        }
                        rowsByFile.remove(file);
                        filesRemoved++;
                        rowsRemoved += rows;
                        dataChange |= a.path("dataChange").asBoolean(true);
                    }
                    case "metaData" -> {
                        String s = a.path("schemaString").asText();
                        schemaChanged = !s.equals(schema);
                        schema = s;
                    }
                    case "commitInfo" -> {
                        operation = a.hasNonNull("operation") ? a.get("operation").asText() : null;
                        timestamp = a.hasNonNull("inCommitTimestamp") ? a.get("inCommitTimestamp").asLong()
                                : a.path("timestamp").asLong(-1);
                    }
                    default -> { }
                }
            }
            if (timestamp < 0) {
                timestamp = log.commitFileMillis(v);
            }
            out.add(new Commit(v, operation, timestamp, filesAdded, filesRemoved, rowsAdded, rowsRemoved, dataChange, schemaChanged));
        }
        return out;
    }

    /** The rows of a file: its statistics' numRecords, else its Parquet footer. */
    private static long rows(JsonNode action, Path file, Path where) {
        long n = DeltaTableReader.numRecords(action, where);
        if (n >= 0) {
            return n;
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(where + ": file " + file + " has no numRecords statistics and is no longer there"
                    + " to count its rows");
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            return ScanSql.footerRows(s, file);
        } catch (SQLException e) {
            throw new IllegalStateException(where + ": counting the rows of " + file + ": " + e.getMessage(), e);
        }
    }
}
