package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.DeltaReplay;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.Batch;
import io.sluice.sink.TableMaintenance.Optimized;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.StoreLocation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction racing ingestion and another compaction on one table, in one JVM: a writer commits a batch at a time
 * through the Delta sink while two optimizers compact the same table over and over. Every row the writer committed is
 * in the table exactly once at the end, read back by replaying the log without Kernel.
 */
class DeltaMaintenanceRaceIT {
    private static final int BATCHES = 20;
    private static final int PER_BATCH = 50;

    @TempDir
    Path dir;

    private final TopicPartition p0 = new TopicPartition("events", 0);

    private DeltaSinkConfig config() {
        return new DeltaSinkConfig(new StoreLocation.Local(dir), "events",
                List.of(new PartitionField("region", Transform.IDENTITY)), 128L << 20, Duration.ofHours(1), Compression.ZSTD,
                10, Map.of(), false, Optional.empty());
    }

    private static TableRows rows(int batch) {
        List<Column> cols = List.of(new Column("id", Scalar.BIGINT), new Column("region", Scalar.VARCHAR),
                new Column("note", Scalar.VARCHAR));
        List<Object[]> rows = new ArrayList<>();
        for (int i = batch * PER_BATCH; i < (batch + 1) * PER_BATCH; i++) {
            rows.add(new Object[] {(long) i, i % 2 == 0 ? "eu" : "us", "n" + i});
        }
        return TableRows.of("events", cols, rows);
    }

    @Test
    void appendsCommittedWhileTwoOptimizersCompactAreAllThereExactlyOnce() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        try (DeltaSink first = DeltaSink.open(config(), "race")) {
            // the table exists before the optimizers start
            first.write(new Batch(0, List.of(rows(0)), List.of(new TablePosition("events", p0, PER_BATCH, Optional.empty()))));
            first.flush();
        }
        Thread writer = new Thread(() -> {
            try (DeltaSink sink = DeltaSink.open(config(), "race")) {
                for (int b = 1; b < BATCHES; b++) {
                    sink.write(new Batch(b, List.of(rows(b)),
                            List.of(new TablePosition("events", p0, (long) (b + 1) * PER_BATCH, Optional.empty()))));
                    sink.flush();
                }
            } catch (Throwable t) {
                failures.add(t);
            } finally {
                writing.set(false);
            }
        }, "writer");
        List<Optimized> compacted = Collections.synchronizedList(new ArrayList<>());
        List<Thread> optimizers = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            optimizers.add(new Thread(() -> {
                try (DeltaMaintenance m = DeltaMaintenance.open(config(), Clock.systemUTC())) {
                    while (writing.get()) {
                        Optimized o = m.optimize("events", 1L << 20);
                        if (o.version().isPresent()) {
                            compacted.add(o);
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "optimizer-" + n));
        }
        writer.start();
        optimizers.forEach(Thread::start);
        writer.join(120_000);
        for (Thread t : optimizers) {
            t.join(120_000);
        }
        assertThat(failures).isEmpty();
        assertThat(writer.isAlive()).isFalse();

        DeltaReplay.State s = DeltaReplay.replay(dir.resolve("events"));
        List<DeltaReplay.Commit> optimizes = s.commits().stream().filter(c -> c.domains().contains("sluice.maintenance")).toList();
        assertThat(optimizes).as("optimize commits").hasSize(compacted.size()).isNotEmpty();
        long lastAppend = s.commits().stream().filter(c -> c.domains().contains("sluice.positions")).mapToLong(
                DeltaReplay.Commit::version).max().orElseThrow();
        assertThat(optimizes.get(0).version()).as("an optimize committed while the writer still appended").isLessThan(lastAppend);
        for (DeltaReplay.Commit c : optimizes) {
            assertThat(c.dataChange()).containsExactly(false);
            assertThat(c.removed()).hasSizeGreaterThan(1);
            assertThat(c.added()).isNotEmpty();
        }

        List<List<String>> rows = DeltaReplay.rows(dir.resolve("events"), List.of("id", "region", "note"));
        assertThat(rows).hasSize(BATCHES * PER_BATCH);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < BATCHES * PER_BATCH; i++) {
            expected.add(List.of(Integer.toString(i), i % 2 == 0 ? "eu" : "us", "n" + i));
        }
        expected.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(s.domains().get("sluice.positions")).contains("\"next_offset\":" + BATCHES * PER_BATCH);

        // a last compaction leaves one file per partition
        try (DeltaMaintenance m = DeltaMaintenance.open(config(), Clock.systemUTC())) {
            m.optimize("events", 1L << 20);
            assertThat(m.optimize("events", 1L << 20).version()).isEmpty();
        }
        assertThat(DeltaReplay.replay(dir.resolve("events")).files()).hasSize(2);
        assertThat(DeltaReplay.rows(dir.resolve("events"), List.of("id", "region", "note"))).containsExactlyInAnyOrderElementsOf(expected);
    }
}
