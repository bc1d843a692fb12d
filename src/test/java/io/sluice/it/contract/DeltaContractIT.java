package io.sluice.it.contract;

import io.sluice.it.delta.DeltaTableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sink contract for {@code type: delta} on a local directory, read back as another Delta reader would: the log
 * replayed without Delta Kernel ({@link DeltaTableReader}) and exactly the live files read by DuckDB, physical columns
 * under their logical names, partition values from the log.
 */
class DeltaContractIT extends DuckDbReadContract {
    @Override
    protected String sinkBlock(Path work) {
        return "sink: {type: delta, path: lake, table: \"{topic}\", commit_interval_ms: 300}";
    }

    /** The local directory holding the table (for S3, a copy of it). */
    protected Path tableDir(Path work, String table) {
        return work.resolve("lake").resolve(table);
    }

    @Override
    protected DuckDbReader reader(Path work, String table) {
        Path dir = tableDir(work, table);
        if (!Files.isDirectory(dir.resolve("_delta_log"))) {
            return null;
        }
        return DeltaTableReader.latest(dir).reader();
    }

    @Override
    protected void wipe(Path work) throws IOException {
        ParquetContractIT.delete(work.resolve("lake"));
    }
}
