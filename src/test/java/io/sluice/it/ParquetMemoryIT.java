package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run into a sink that commits at an interval holds what its open files buffer, not every batch since the last
 * commit: a slice several times the heap, written with the default {@code commit_interval_ms} (one commit, at the end),
 * completes in a small heap. Real broker, {@code bin/sluice} as a process, files read back by DuckDB.
 */
class ParquetMemoryIT {
    @TempDir
    Path dir;

    @Test
    void aSliceLargerThanTheHeapIsWrittenWithOneCommitAtTheEnd() throws Exception {
        String topic = Sluice.unique("heap").replace('-', '_');
        TestBroker.createTopic(topic, 2);
        int records = 300_000;
        String pad = "x".repeat(300);
        TestBroker.produceJson(topic, 2, records, i -> "{\"id\":" + i + ",\"machine\":\"m-" + (i % 97) + "\",\"pad\":\"" + pad
                + i + "\",\"v\":" + (i % 1000) + ".5,\"nested\":{\"a\":" + i + ",\"b\":\"s" + (i % 13) + "\"}}");
        Path m = Sluice.manifest(dir, """
                name: heap
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 10000}
                  topics: [%s]
                sink: {type: parquet, path: lake, table: "{topic}"}
                """.formatted(TestBroker.bootstrap(), topic));
        // about 120 MB of JSON, several times that as decoded rows: more than this heap holds
        Sluice.Result run = Sluice.run(dir, Map.of("SLUICE_JAVA_OPTS", "-Xmx160m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"),
                "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("read 300000, written 300000");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM read_parquet('"
                        + dir.resolve("lake").resolve(topic) + "/**/*.parquet', hive_partitioning = true)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(records);
            assertThat(rs.getLong(2)).isEqualTo(records);
        }
    }
}
