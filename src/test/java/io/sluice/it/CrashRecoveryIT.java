package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
                sink: {type: duckdb, path: warehouse.duckdb, table: events}
                """.formatted(TestBroker.bootstrap(), topic));
        Path db = dir.resolve("warehouse.duckdb");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> countsAfterKills = new ArrayList<>();
        int kills = 0;
        boolean completed = false;
        int maxDelay = 2700;
        int midRunKills = 0;
        for (int attempt = 0; attempt < 40 && !completed; attempt++) {
            File log = dir.resolve("run-" + attempt + ".log").toFile();
            Process p = Sluice.builder(dir, Map.of(), "run", m.toString()).redirectErrorStream(true).redirectOutput(log).start();
            boolean killThisOne = kills < 10 && midRunKills < 3;
            long delay = 300 + random.nextInt(maxDelay);
            if (killThisOne && !p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flush
                p.waitFor(30, TimeUnit.SECONDS);
                kills++;
                long rows = Files.exists(db) ? tableCount(db) : 0L;
                countsAfterKills.add(rows);
                if (rows > 0 && rows < RECORDS) {
                    midRunKills++;
                } else if (rows == RECORDS && midRunKills == 0) {
                    // the run outpaced the kill: start over from an empty warehouse with shorter delays
                    Files.deleteIfExists(db);
                    Files.deleteIfExists(dir.resolve("warehouse.duckdb.wal"));
                    maxDelay = Math.max(300, maxDelay / 2);
                }
                continue;
            }
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("seed " + seed + ", log:\n" + Files.readString(log.toPath())).isZero();
            if (killThisOne && midRunKills == 0) {
                // finished before the kill was due: start over from an empty warehouse with shorter delays
                Files.deleteIfExists(db);
                Files.deleteIfExists(dir.resolve("warehouse.duckdb.wal"));
                maxDelay = Math.max(300, maxDelay / 2);
                continue;
            }
            completed = true;
        }
        System.out.printf("crash test: seed=%d kills=%d rows after each kill=%s%n", seed, kills, countsAfterKills);
        assertThat(completed).as("a run completed (seed " + seed + ")").isTrue();
        assertThat(kills).isGreaterThanOrEqualTo(2);
        assertThat(countsAfterKills).as("some kill hit a run in the middle (seed %d, counts %s)", seed, countsAfterKills)
                .anyMatch(c -> c > 0 && c < RECORDS);
        assertThat(Sluice.queryLong(db, "select count(*) from events")).isEqualTo(RECORDS);
        assertThat(Sluice.queryLong(db, "select count(distinct (_kafka_partition, _kafka_offset)) from events")).isEqualTo(RECORDS);
        assertThat(Sluice.queryLong(db, "select count(distinct id) from events")).isEqualTo(RECORDS);
        assertThat(Sluice.queryLong(db, "select sum(next_offset) from _sluice_offsets where pipeline = 'crash'")).isEqualTo(RECORDS);
    }

    private static long tableCount(Path db) {
        List<List<Object>> exists = Sluice.query(db, "select count(*) from information_schema.tables where table_name = 'events'");
        return ((Number) exists.get(0).get(0)).longValue() == 0 ? 0 : Sluice.queryLong(db, "select count(*) from events");
    }
}
