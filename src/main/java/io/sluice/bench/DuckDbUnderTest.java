package io.sluice.bench;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The DuckDB sink: one fresh file, table {@code sensor_events}, counted read-only after the run. */
final class DuckDbUnderTest implements SinkUnderTest {
    static final String TABLE = "sensor_events";

    private final Path file;

    DuckDbUnderTest(Path file) {
        this.file = file;
    }

    @Override
    public String label() {
        return "DuckDB";
    }

    @Override
    public String manifestSection() {
        return "sink:\n"
                + "  type: duckdb\n"
                + "  path: \"" + file + "\"\n"
                + "  table: " + TABLE + "\n";
    }

    @Override
    public Landed landed() {
        Properties p = new Properties();
        p.setProperty("duckdb.read_only", "true");
        try {
            return SinkUnderTest.count(DriverManager.getConnection("jdbc:duckdb:" + file, p),
                    "SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM main." + TABLE, file.toString());
        } catch (SQLException e) {
            throw new SluiceException(Stage.SETUP, "cannot open " + file + " to count what the pipeline wrote: " + e.getMessage(), e);
        }
    }
}
