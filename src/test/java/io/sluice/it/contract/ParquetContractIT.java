package io.sluice.it.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sink contract for {@code type: parquet} on a local directory, read back as a reader of the files would: DuckDB's
 * {@code read_parquet} over every {@code .parquet} file of the table's directory (Hive partitions, columns united by
 * name), not through the sink's ledger.
 */
class ParquetContractIT extends DuckDbReadContract {
    @Override
    protected String sinkBlock(Path work) {
        return "sink: {type: parquet, path: lake, table: \"{topic}\", commit_interval_ms: 300}";
    }

    /** The local directory holding the table's files (for S3, a copy of them). */
    protected Path tableDir(Path work, String table) {
        return work.resolve("lake").resolve(table);
    }

    @Override
    protected DuckDbReader reader(Path work, String table) {
        Path dir = tableDir(work, table);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".parquet"))) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String glob = dir.toAbsolutePath().toString().replace("'", "''") + "/**/*.parquet";
        return new DuckDbReader(List.of(), "read_parquet('" + glob + "', hive_partitioning = true, union_by_name = true)");
    }

    @Override
    protected void wipe(Path work) throws IOException {
        delete(work.resolve("lake"));
    }

    static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
