package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice quickstart} end to end, as a user runs it: from an empty working directory, it starts a dev broker,
 * generates events and lands them in ./warehouse.duckdb; a second run reuses the broker and adds only new events.
 */
class QuickstartIT {
    /** Numbers in the output are grouped the English way whatever the machine's locale. */
    private static final Map<String, String> ENGLISH = Map.of("SLUICE_JAVA_OPTS", Sluice.JAVA_OPTS + " -Duser.language=en -Duser.country=US");

    @TempDir
    Path work;

    @Test
    void quickstartLandsTheEventsReusesTheBrokerAndReportsALockedWarehouse() throws Exception {
        Path state = work.resolve(".sluice");
        int[] ports = Sluice.freePorts(2);
        String bootstrap = "localhost:" + ports[0];
        Path db = work.resolve("warehouse.duckdb");
        try {
            Sluice.Result first = quickstart(state, ports, 20_000);

            assertThat(first.exit()).as(first.toString()).isZero();
            long pid = DevBrokers.recordedPid(state).orElseThrow(() -> new AssertionError("no broker pid file:\n" + first));
            assertThat(first.stdout())
                    .contains("1. kafka      started a local broker on " + bootstrap + " (pid " + pid + ", data in " + state.resolve("kafka/data"))
                    .contains("2. generate   20,000 sensor events")
                    .contains("3. run        quickstart: read 20,000 new records, wrote 20,000 rows")
                    .contains("-> " + db)
                    .contains("Table sensor_events in warehouse.duckdb: 20,000 rows")
                    .contains("readings__temperature DOUBLE")
                    .contains("location__plant VARCHAR")
                    .contains("_kafka_offset BIGINT")
                    .contains("Average temperature per machine (5 hottest of sensor_events)")
                    .contains("avg_temperature")
                    .contains("query the tables with `bin/sluice query ")
                    .contains("stop the broker with `bin/sluice dev down --dir " + state + "`");
            assertThat(first.stderr()).contains("planned 4 partitions, up to 20000 records");
            assertRows(db, 20_000);

            // another --port: the dev broker of this --dir is reused where it really listens
            Sluice.Result second = quickstart(state, Sluice.freePorts(2), 20_000);

            assertThat(second.exit()).as(second.toString()).isZero();
            assertThat(second.stdout()).contains("1. kafka      reusing the dev broker on " + bootstrap + " (pid " + pid + ")")
                    .contains("read 20,000 new records, wrote 20,000 rows")
                    .contains("Table sensor_events in warehouse.duckdb: 40,000 rows");
            assertThat(second.stderr()).doesNotContain("starting a local broker");
            assertRows(db, 40_000);

            try (HoldDuckDbLock holder = HoldDuckDbLock.start(db)) {
                Sluice.Result locked = quickstart(state, ports, 100);

                // another writer holds the warehouse: this one is fenced off before it reads anything
                assertThat(locked.exit()).as(locked.toString()).isEqualTo(3);
                assertThat(locked.stderr()).contains("cannot write to DuckDB file warehouse.duckdb: another writer holds it (PID "
                        + holder.pid());
            }

            // a typed format: the dev schema registry starts too, and the columns come from the Avro schema
            int registryPort = Sluice.freePorts(1)[0];
            Sluice.Result avro = Sluice.run(work, ENGLISH, "quickstart", "--dir", state.toString(), "--port", Integer.toString(ports[0]),
                    "--controller-port", Integer.toString(ports[1]), "--registry-port", Integer.toString(registryPort),
                    "--format", "avro", "--count", "3000", "--progress", "none");
            assertThat(avro.exit()).as(avro.toString()).isZero();
            assertThat(avro.stdout()).contains("   registry   started a dev schema registry on http://localhost:" + registryPort)
                    .contains("2. generate   3,000 sensor events (avro")
                    .contains("3. run        quickstart_avro: read 3,000 new records, wrote 3,000 rows")
                    .contains("Table sensor_events_avro in warehouse.duckdb: 3,000 rows")
                    .contains("event_time TIMESTAMP").contains("event_id UUID").contains("quality_score DECIMAL(4,3)")
                    .contains("Average temperature per machine (5 hottest of sensor_events_avro)")
                    .doesNotContain("Table sensor_events in");

            Sluice.Result down = Sluice.run(work, Map.of(), "dev", "down", "--dir", state.toString(), "--port", Integer.toString(ports[0]),
                    "--registry-port", Integer.toString(registryPort));
            assertThat(down.exit()).as(down.toString()).isZero();
            assertThat(down.stdout()).contains("kafka: stopped").contains("schema registry: stopped");
            assertThat(DevBrokers.alive(pid)).isFalse();
            assertThat(DevBrokers.registryProcessesOf(state)).isEmpty();
        } finally {
            DevBrokers.stop(state);
            DevBrokers.killRegistries(state);
        }
    }

    private Sluice.Result quickstart(Path state, int[] ports, int count) {
        return Sluice.run(work, ENGLISH, "quickstart", "--dir", state.toString(), "--port", Integer.toString(ports[0]),
                "--controller-port", Integer.toString(ports[1]), "--count", Integer.toString(count), "--progress", "lines");
    }

    private static void assertRows(Path db, long rows) {
        assertThat(Sluice.queryLong(db, "select count(*) from sensor_events")).isEqualTo(rows);
        assertThat(Sluice.queryLong(db, "select count(distinct (_kafka_partition, _kafka_offset)) from sensor_events")).isEqualTo(rows);
    }
}
