package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.dev.Generator;
import org.junit.jupiter.api.Test;

/** The figures {@code sluice bench} prints, from fixed measurements (no timing is measured here). */
class ReportTest {
    private static final long M = 1_000_000;

    private static Benchmark.Measurement reader(String name, double seconds, double windowCpu, double wholeCpu, long rssMb) {
        return new Benchmark.Measurement(name, M, 469 * M, (long) (seconds * 1e9), (long) ((seconds + 1) * 1e9), rssMb << 20,
                windowCpu < 0 ? -1 : (long) (windowCpu * 1e9), wholeCpu < 0 ? -1 : (long) (wholeCpu * 1e9));
    }

    private static Benchmark.Report report(Benchmark.Measurement ceiling, Benchmark.Measurement pipeline) {
        return new Benchmark.Report(M, 469 * M, new Generator.Result("t", 4, M, 469 * M, 1), ceiling, pipeline);
    }

    @Test
    void theLastLineCarriesRatesCpuPerMillionAndThePipelinesPeakRss() {
        Benchmark.Report r = report(reader("ceiling", 2.0, 1.85, 2.6, 500), reader("pipeline", 10.0, 16.25, 17.1, 1300));
        assertThat(r.lastLine()).isEqualTo("ratio=0.20 pipeline_rps=100000 ceiling_rps=500000 pipeline_cpu_s_per_m=16.25"
                + " ceiling_cpu_s_per_m=1.85 peak_rss_mb=1300");
    }

    @Test
    void cpuPerMillionScalesWithTheRecordsRead() {
        Benchmark.Measurement half = new Benchmark.Measurement("pipeline", 500_000, 1, 1_000_000_000L, 1, 1, 4_000_000_000L, -1);
        assertThat(half.cpuSecondsPerMillion()).isEqualTo(8.0);
    }

    @Test
    void withoutTheWindowsCpuTheWholeProcessCountsAndTheReadableLineSaysSo() {
        Benchmark.Measurement m = reader("pipeline", 10.0, -1, 17.1, 1300);
        assertThat(m.cpuIsWindow()).isFalse();
        assertThat(m.cpuSecondsPerMillion()).isEqualTo(17.1);
        assertThat(Benchmark.cpuLine("pipeline:", m)).isEqualTo("pipeline: CPU 17.10 s for the whole process, JVM start-up"
                + " included (the reading time alone is not known): 17.10 CPU s per 1M records");
    }

    @Test
    void theReadableLineGivesTheWindowTheWholeProcessAndTheCoresBusy() {
        assertThat(Benchmark.cpuLine("ceiling: ", reader("ceiling", 2.0, 1.85, 2.6, 500))).isEqualTo("ceiling:  CPU 1.85 s"
                + " while reading (whole process 2.60 s, JVM start-up included): 1.85 CPU s per 1M records, 0.93 cores busy");
    }

    @Test
    void unknownCpuIsMinusOneInTheLastLine() {
        Benchmark.Report r = report(reader("ceiling", 2.0, -1, -1, 500), reader("pipeline", 10.0, -1, -1, 1300));
        assertThat(r.lastLine()).contains("pipeline_cpu_s_per_m=-1 ceiling_cpu_s_per_m=-1 peak_rss_mb=1300");
        assertThat(Benchmark.cpuLine("pipeline:", r.pipeline())).contains("CPU time unknown");
    }

    @Test
    void thePipelinesJsonIsFoundAfterWhatTheJvmPrintedFirst() throws Exception {
        assertThat(Benchmark.summary("[ {\"read\" : 1} ]\n").get(0).get("read").asLong()).isEqualTo(1);
        String jfr = "[0.805s][info][jfr,startup] Started recording 1. No limit specified, using maxsize=250MB as default.\n"
                + "[0.805s][info][jfr,startup] \n"
                + "[0.805s][info][jfr,startup] Use jcmd 15739 JFR.dump name=1 to copy recording data to file.\n";
        assertThat(Benchmark.summary(jfr + "[ {\n  \"read\" : 2\n} ]\n").get(0).get("read").asLong()).isEqualTo(2);
        assertThatThrownBy(() -> Benchmark.summary(jfr)).isInstanceOf(java.io.IOException.class);
    }
}
