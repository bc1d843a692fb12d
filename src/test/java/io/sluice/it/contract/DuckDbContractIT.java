package io.sluice.it.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The sink contract for {@code type: duckdb}, read back by a separate in-memory DuckDB that attaches the file read-only. */
class DuckDbContractIT extends DuckDbReadContract {
    @Override
    protected String sinkBlock(Path work) {
        // commits every 20,000 rows or 300 ms, so kills land between commits of a 240,000-record run
        return "sink: {type: duckdb, path: warehouse.duckdb, table: \"{topic}\", commit_rows: 20000, commit_interval_ms: 300}";
    }

    @Override
    protected boolean fencesAtOpen() {
        return true; // DuckDB's file lock is held from open to close
    }

    private static Path db(Path work) {
        return work.resolve("warehouse.duckdb");
    }

    /** The table through a read-only ATTACH, or null when the file or the table does not exist yet. */
    @Override
    protected DuckDbReader reader(Path work, String table) {
        if (!Files.exists(db(work))) {
            return null;
        }
        List<String> attach = List.of("ATTACH '" + db(work).toAbsolutePath().toString().replace("'", "''") + "' AS w (READ_ONLY)");
        boolean exists = new DuckDbReader(attach, "duckdb_tables()")
                .scalar("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'w' AND schema_name = 'main' AND table_name = '" + table + "'") > 0;
        return exists ? new DuckDbReader(attach, "w.main.\"" + table + "\"") : null;
    }

    @Override
    protected void wipe(Path work) throws IOException {
        Files.deleteIfExists(db(work));
        Files.deleteIfExists(work.resolve("warehouse.duckdb.wal"));
    }
}
