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
 * run completes. The moments follow the measured length of a run on this machine, not fixed delays: first a timed
 * {@code sluice plan} (starting a JVM and reaching Kafka and the sink) and a timed uninterrupted run, then each kill
 * lands at a random point of the work still left. Delays adapt when kills keep landing before the first commit or
 * after the end. The seed is printed and replays the same draws with {@code -Dsluice.killLoop.seed=N}.
 */
public final class KillLoop {
    static final String SEED_PROPERTY = "sluice.killLoop.seed";

    /** What happened: the seed (to replay), the kills, and the table's row count after each kill. */
    public record Outcome(long seed, int kills, List<Long> countsAfterKills) {}

    /** How the loop reads the sink: its row count (0 before the first commit), and how to start over from an empty sink. */
    public interface Target {
        long count() throws Exception;

        void reset() throws Exception;
    }

    private KillLoop() {}

    /** The loop over a DuckDB file's table. */
    static Outcome run(Path dir, Path manifest, Path db, String table, long records) throws Exception {
        return run(dir, manifest, Map.of(), records, new Target() {
            @Override
            public long count() {
                return Files.exists(db) ? tableCount(db, table) : 0L;
            }

            @Override
            public void reset() throws Exception {
                KillLoop.reset(dir, db);
            }
        });
    }

    /**
     * Kills and reruns {@code sluice run manifest} (in {@code dir}, with {@code env}) until a run completes, reading the
     * sink through {@code target}; {@code records} is what a complete run loads.
     */
    public static Outcome run(Path dir, Path manifest, Map<String, String> env, long records, Target target) throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
        System.out.printf("crash test: seed=%d (replay the same delays with -D%s=%d)%n", seed, SEED_PROPERTY, seed);
        Random random = new Random(seed);

        long startupMillis = timed(() -> {
            Sluice.Result plan = Sluice.run(dir, env, "plan", manifest.toString());
            assertThat(plan.exit()).as("plan: " + plan).isZero();
        });
        long fullMillis = timed(() -> {
            Sluice.Result probe = Sluice.run(dir, env, "run", manifest.toString());
            assertThat(probe.exit()).as("uninterrupted probe run: " + probe).isZero();
        });
        assertThat(target.count()).as("the probe run loads everything").isEqualTo(records);
        target.reset();
        long workMillis = Math.max(200, fullMillis - startupMillis);
        System.out.printf("crash test: seed=%d, start-up %d ms, uninterrupted run %d ms%n", seed, startupMillis, fullMillis);

        List<Long> countsAfterKills = new ArrayList<>();
        List<String> history = new ArrayList<>();
        int kills = 0;
        int midRunKills = 0;
        long rows = 0;
        // where in the remaining work a kill lands: [low, low + 0.8) of it; moves when kills land before or after
        double low = 0.1;
        long extraStartup = 0;
        boolean completed = false;
        for (int attempt = 0; attempt < 40 && !completed; attempt++) {
            File log = dir.resolve("run-" + attempt + ".log").toFile();
            boolean killThisOne = kills < 10 && midRunKills < 3;
            double left = (double) (records - rows) / records;
            long delay = startupMillis + extraStartup + (long) ((low + 0.8 * random.nextDouble()) * workMillis * left);
            Process p = Sluice.builder(dir, env, "run", manifest.toString()).redirectErrorStream(true).redirectOutput(log).start();
            if (killThisOne && !p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flush
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("killed process ended").isTrue();
                kills++;
                long before = rows;
                rows = target.count();
                countsAfterKills.add(rows);
                history.add("kill after " + delay + " ms: " + rows + " rows");
                if (rows > 0 && rows < records) {
                    midRunKills++;
                }
                if (rows == before) {
                    // before the first commit: later next time
                    extraStartup += workMillis / 10;
                } else if (rows == records && midRunKills == 0) {
                    // the run outpaced the kill: start over from an empty warehouse, killing earlier
                    target.reset();
                    rows = 0;
                    low = Math.max(0.0, low - 0.05);
                    workMillis = Math.max(200, workMillis * 2 / 3);
                }
                continue;
            }
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("run ended within 180 s (seed %d)", seed).isTrue();
            assertThat(p.exitValue()).as("seed " + seed + ", log:\n" + Files.readString(log.toPath())).isZero();
            if (killThisOne && midRunKills == 0) {
                // finished before the kill was due: start over from an empty warehouse with shorter delays
                history.add("finished within " + delay + " ms");
                target.reset();
                rows = 0;
                workMillis = Math.max(200, workMillis * 2 / 3);
                extraStartup = 0;
                continue;
            }
            completed = true;
        }
        System.out.printf("crash test: seed=%d kills=%d rows after each kill=%s%n  %s%n", seed, kills, countsAfterKills,
                String.join("\n  ", history));
        assertThat(completed).as("a run completed (seed " + seed + ")").isTrue();
        assertThat(kills).isGreaterThanOrEqualTo(1);
        assertThat(countsAfterKills).as("some kill hit a run in the middle (seed %d, start-up %d ms, run %d ms, history %s)",
                seed, startupMillis, fullMillis, history).anyMatch(c -> c > 0 && c < records);
        return new Outcome(seed, kills, countsAfterKills);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long timed(Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1_000_000;
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
