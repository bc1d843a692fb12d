package io.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunProgressTest {
    @Test
    void theSummaryCountsInTheSingularForOne() {
        RunProgress p = new RunProgress("p", 1, 1, 0, 1, Map.of("t", 1L), 1, 1, 1, 1_000_000_000L, false);

        assertThat(p.summary()).startsWith("pipeline p: read 1, written 1, skipped 0 in 1 batch (t=1) in 1.0 s");
        assertThat(new RunProgress("p", 2, 2, 0, 2, Map.of(), 0, 2, 2, 0, false).summary()).contains(" in 2 batches ");
    }

    @Test
    void aRunStoppedBeforeItsEndSaysSoAndHowFarItCommitted() {
        RunProgress p = new RunProgress("p", 5000, 5000, 0, 1, Map.of("t", 5000L), 20000, 6000, 5000, 2_000_000_000L, true);

        assertThat(p.summary()).isEqualTo("pipeline p: stopped before the end of its slice: read 5000, written 5000, skipped 0"
                + " in 1 batch (t=5000) in 2.0 s, 2500 records/s; committed 5000 of 20000 (25%), the next run goes on from there");
    }

    @Test
    void theWindowCarriesTheProcessCpuTimeAndProgressWithoutItSaysUnknown() {
        RunProgress p = new RunProgress("p", 10, 10, 0, 1, Map.of("t", 10L), 10, 10, 10, 5, false);
        assertThat(p.processCpuNanos()).isEqualTo(-1);
        RunProgress measured = p.withElapsed(2_000_000_000L, 3_500_000_000L);
        assertThat(measured.elapsedNanos()).isEqualTo(2_000_000_000L);
        assertThat(measured.processCpuNanos()).isEqualTo(3_500_000_000L);
        assertThat(measured.read()).isEqualTo(10);
    }

    @Test
    void processCpuTimeOnlyGrowsAndCountsWhatThisThreadBurns() {
        long start = ProcessCpu.nanos();
        long spin = 0;
        for (int i = 0; i < 50_000_000 && ProcessCpu.since(start) <= 0; i++) {
            spin += i;
        }
        assertThat(ProcessCpu.since(start)).as("after spinning (%d)", spin).isPositive();
        assertThat(ProcessCpu.since(-1)).isEqualTo(-1);
    }

    @Test
    void pluralsFollowEnglishEndings() {
        assertThat(Words.count(0, "partition")).isEqualTo("0 partitions");
        assertThat(Words.count(1, "partition")).isEqualTo("1 partition");
        assertThat(Words.count(3, "batch")).isEqualTo("3 batches");
        assertThat(Words.count(1, "batch")).isEqualTo("1 batch");
        assertThat(Words.count(2, "record")).isEqualTo("2 records");
    }
}
