package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real sluice process at random moments, then reruns until a run completes: every record must be
 * in the table exactly once.
 */
class CrashRecoveryIT {
    private static final int RECORDS = 300_000;

    @TempDir
    Path dir;

    @Test
    void killNineAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
        String topic = Sluice.unique("crash");
        TestBroker.createTopic(topic, 3);
        TestBroker.produceJson(topic, 3, RECORDS, i -> "{\"id\":" + i + ",\"reading\":{\"temperature\":" + (i % 50)
                + ".25,\"pressure\":" + (1000 + i % 13) + "},\"machine\":\"m-" + (i % 97) + "\",\"note\":\"" + "x".repeat(i % 40) + "\"}");
        Path m = Sluice.manifest(dir, """
                name: crash
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s"}
                  topics: [%s]
                  options: {batch_size: 5000}
                sink: {type: duckdb, path: warehouse.duckdb, table: events, commit_rows: 5000}
                """.formatted(TestBroker.bootstrap(), topic));
        Path db = dir.resolve("warehouse.duckdb");
        KillLoop.run(dir, m, db, "events", RECORDS);
        assertThat(Sluice.queryLong(db, "select count(*) from events")).isEqualTo(RECORDS);
        assertThat(Sluice.queryLong(db, "select count(distinct (_kafka_partition, _kafka_offset)) from events")).isEqualTo(RECORDS);
        assertThat(Sluice.queryLong(db, "select count(distinct id) from events")).isEqualTo(RECORDS);
        assertThat(Sluice.queryLong(db, "select sum(next_offset) from _sluice_offsets where pipeline = 'crash'")).isEqualTo(RECORDS);
    }
}
