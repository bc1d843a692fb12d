package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void countsUserAndSystemTicksAfterACommandNameWithSpacesAndParentheses() {
        String line = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 52000 0 3 0 1234 567 0 0 20 0 40 0 9000 5000000 80000";
        assertThat(ProcStat.cpuTicks(line)).isEqualTo(1234 + 567);
    }

    @Test
    void readsThisProcessesCpuTimeAndPeakMemory() {
        assumeTrue(Files.exists(Path.of("/proc/self/stat")), "needs Linux /proc");
        ProcStat self = new ProcStat(ProcessHandle.current().pid());
        assertThat(self.cpuNanos()).isPositive();
        assertThat(self.peakRssBytes()).isGreaterThan(1 << 20);
    }

    @Test
    void aProcessThatIsGoneReadsAsUnknown() {
        ProcStat gone = new ProcStat(Long.MAX_VALUE);
        assertThat(gone.cpuNanos()).isEqualTo(-1);
        assertThat(gone.peakRssBytes()).isEqualTo(-1);
    }
}
