package io.sluice.bench;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The Parquet sink writing to a local directory, one table per topic ({@code table: "{topic}"}), so the files of
 * this run are {@code <dir>/<table>/**}{@code /*.parquet}, the table being the topic's name made safe as the sink makes it. DuckDB (in memory) counts them after the run, Hive
 * partition directories and added columns included.
 *
 * <p>Where the files go is in {@link #locationSection()} and {@link #filesToCount()} alone. The planned S3 variant
 * replaces both: {@code s3:} instead of {@code path:}, and a copy of the objects to a local directory before counting,
 * since DuckDB's httpfs extension cannot be downloaded on every machine.
 */
final class ParquetUnderTest implements SinkUnderTest {
    private final Path dir;
    private final String topic;

    ParquetUnderTest(Path dir, String topic) {
        this.dir = dir;
        this.topic = topic;
    }

    @Override
    public String label() {
        return "Parquet";
    }

    @Override
    public String manifestSection() {
        return "sink:\n"
                + "  type: parquet\n"
                + locationSection()
                + "  table: \"{topic}\"\n";
    }

    private String locationSection() {
        return "  path: \"" + dir + "\"\n";
    }

    /** The directory that holds this run's table, as DuckDB's glob sees it. */
    private Path filesToCount() {
        return dir.resolve(io.sluice.schema.Names.safeIdentifier(topic));
    }

    private static String entries(Path dir) {
        try (var list = Files.list(dir)) {
            String names = String.join(", ", list.map(p -> p.getFileName().toString()).sorted().toList());
            return names.isEmpty() ? "nothing" : names;
        } catch (java.io.IOException e) {
            return "nothing readable";
        }
    }

    @Override
    public Landed landed() {
        Path table = filesToCount();
        if (!Files.isDirectory(table)) {
            throw new SluiceException(Stage.SETUP, "the pipeline wrote no Parquet table at " + table + " (" + dir + " holds "
                    + entries(dir) + ")");
        }
        String glob = (table + "/**/*.parquet").replace("'", "''");
        try {
            return SinkUnderTest.count(DriverManager.getConnection("jdbc:duckdb:"),
                    "SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM read_parquet('" + glob
                            + "', hive_partitioning=true, union_by_name=true)", table.toString());
        } catch (SQLException e) {
            throw new SluiceException(Stage.SETUP, "cannot start DuckDB to count the Parquet files in " + table + ": " + e.getMessage(), e);
        }
    }
}
