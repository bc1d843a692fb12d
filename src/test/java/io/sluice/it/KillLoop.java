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

/**
 * Runs {@code sluice run MANIFEST} as a real process and kills it (SIGKILL) at random moments, then reruns until a
 * run completes. Delays shrink when runs outpace the kills, so that some kill lands in the middle of a run.
 */
final class KillLoop {
    /** What happened: the seed (to replay), the kills, and the table's row count after each kill. */
    record Outcome(long seed, int kills, List<Long> countsAfterKills) {}

    private KillLoop() {}

    static Outcome run(Path dir, Path manifest, Path db, String table, long records) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> countsAfterKills = new ArrayList<>();
        int kills = 0;
        boolean completed = false;
        int maxDelay = 2700;
        int midRunKills = 0;
        for (int attempt = 0; attempt < 40 && !completed; attempt++) {
            File log = dir.resolve("run-" + attempt + ".log").toFile();
            Process p = Sluice.builder(dir, Map.of(), "run", manifest.toString()).redirectErrorStream(true).redirectOutput(log).start();
            boolean killThisOne = kills < 10 && midRunKills < 3;
            long delay = 300 + random.nextInt(maxDelay);
            if (killThisOne && !p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flush
                p.waitFor(30, TimeUnit.SECONDS);
                kills++;
                long rows = Files.exists(db) ? tableCount(db, table) : 0L;
                countsAfterKills.add(rows);
                if (rows > 0 && rows < records) {
                    midRunKills++;
                } else if (rows == records && midRunKills == 0) {
                    // the run outpaced the kill: start over from an empty warehouse with shorter delays
                    reset(dir, db);
                    maxDelay = Math.max(300, maxDelay / 2);
                }
                continue;
            }
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("seed " + seed + ", log:\n" + Files.readString(log.toPath())).isZero();
            if (killThisOne && midRunKills == 0) {
                // finished before the kill was due: start over from an empty warehouse with shorter delays
                reset(dir, db);
                maxDelay = Math.max(300, maxDelay / 2);
                continue;
            }
            completed = true;
        }
        System.out.printf("crash test: seed=%d kills=%d rows after each kill=%s%n", seed, kills, countsAfterKills);
        assertThat(completed).as("a run completed (seed " + seed + ")").isTrue();
        assertThat(kills).isGreaterThanOrEqualTo(1);
        assertThat(countsAfterKills).as("some kill hit a run in the middle (seed %d, counts %s)", seed, countsAfterKills)
                .anyMatch(c -> c > 0 && c < records);
        return new Outcome(seed, kills, countsAfterKills);
    }

    private static void reset(Path dir, Path db) throws Exception {
        Files.deleteIfExists(db);
        Files.deleteIfExists(dir.resolve(db.getFileName() + ".wal"));
    }

    private static long tableCount(Path db, String table) {
        List<List<Object>> exists = Sluice.query(db, "select count(*) from information_schema.tables where table_name = '" + table + "'");
        return ((Number) exists.get(0).get(0)).longValue() == 0 ? 0 : Sluice.queryLong(db, "select count(*) from " + table);
    }
}
