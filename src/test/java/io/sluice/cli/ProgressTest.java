package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.pipeline.RunProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressTest {
    private static Locale saved;

    /** The display groups digits by the user's locale; the expectations here are written in English. */
    @BeforeAll
    static void english() {
        saved = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(Locale.Category.FORMAT, Locale.US);
    }

    @AfterAll
    static void restore() {
        Locale.setDefault(Locale.Category.FORMAT, saved);
    }

    private static RunProgress progress(long read, long planned, long covered, double seconds) {
        return progress(read, planned, covered, covered, seconds);
    }

    private static RunProgress progress(long read, long planned, long readSpan, long committedSpan, double seconds) {
        return new RunProgress("p", read, read, 0, 1, Map.of(), planned, readSpan, committedSpan, (long) (seconds * 1e9), false);
    }

    @Test
    void aBoundedRunShowsTheBarPercentCountsRateAndEta() {
        String s = Progress.Bar.render(progress(250_000, 1_000_000, 250_000, 10));

        assertThat(s).isEqualTo("[########......................]  25%  250,000 of 1,000,000 read, 250,000 committed  25,000 records/s  ETA 30s");
    }

    @Test
    void theEtaIsTheRemainingOffsetsAtTheCurrentRate() {
        assertThat(Progress.Bar.render(progress(1_000, 361_000, 1_000, 1))).endsWith("1,000 records/s  ETA 6m00s");
        assertThat(Progress.Bar.render(progress(100, 400_100, 100, 1))).endsWith("ETA 1h06m");
    }

    @Test
    void theCountAndThePercentAreOfTheSameQuantityEvenWhenOffsetsAreNotRecords() {
        // 400 records in 500 offsets (transaction markers, skipped records): 500 of 1,000 is 50%
        String s = Progress.Bar.render(progress(400, 1000, 500, 1));

        assertThat(s).startsWith("[" + "#".repeat(15) + ".".repeat(15) + "]  50%  500 of 1,000 read");
    }

    @Test
    void theBarShowsWhatWasReadAndWhatIsCommittedApart() {
        // the whole plan is read, half of it committed: the case that printed "50000 records of 100000 (100%)"
        RunProgress p = progress(100_000, 100_000, 100_000, 50_000, 2);

        assertThat(Progress.Bar.render(p)).startsWith("[" + "#".repeat(30) + "] 100%  100,000 of 100,000 read, 50,000 committed ");
        assertThat(Progress.line(p)).isEqualTo("progress: 50000 of 100000 committed (50%), 50000 records/s");
    }

    @Test
    void beforeAnyRecordTheEtaIsUnknown() {
        assertThat(Progress.Bar.render(progress(0, 5000, 0, 0)))
                .isEqualTo("[" + ".".repeat(30) + "]   0%  0 of 5,000 read, 0 committed  0 records/s  ETA ?");
    }

    @Test
    void aFinishedPlanIsFullAndNeverBeyond() {
        assertThat(Progress.Bar.render(progress(1000, 1000, 1000, 2)))
                .isEqualTo("[" + "#".repeat(30) + "] 100%  1,000 of 1,000 read, 1,000 committed  500 records/s  ETA 0s");
        assertThat(Progress.Bar.render(progress(1000, 1000, 1200, 2))).startsWith("[" + "#".repeat(30) + "] 100%  ");
    }

    @Test
    void aContinuousRunWithoutAPlanShowsCountAndRateOnly() {
        assertThat(Progress.Bar.render(progress(1_234_567, 0, 1_234_567, 1_000_000, 2)))
                .isEqualTo("1,234,567 read, 1,000,000 committed  617,284 records/s");
        assertThat(Progress.Bar.render(progress(0, 0, 0, 0))).isEqualTo("0 read, 0 committed  0 records/s");
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0s",
            "0.4, 0s",
            "59.4, 59s",
            "59.6, 1m00s",
            "61, 1m01s",
            "754, 12m34s",
            "3599.4, 59m59s",
            "3599.6, 1h00m",
            "3661, 1h01m",
            "90061, 25h01m"})
    void durationsAreSecondsThenMinutesThenHours(double seconds, String expected) {
        assertThat(Progress.Bar.formatDuration(seconds)).isEqualTo(expected);
    }

    @Test
    void theBarRedrawsInPlaceAndClosingClearsIt() {
        StringWriter text = new StringWriter();
        Progress.Display bar = Progress.display(Progress.Mode.bar, new PrintWriter(text));

        bar.reading(progress(10, 100, 10, 1));
        bar.reading(progress(20, 100, 20, 1));
        bar.committed(progress(10, 100, 20, 10, 1)); // behind what the bar shows: not drawn
        bar.close();

        assertThat(text.toString()).isEqualTo("\r" + Progress.Bar.render(progress(10, 100, 10, 1)) + "\u001b[K"
                + "\r" + Progress.Bar.render(progress(20, 100, 20, 1)) + "\u001b[K" + "\r\u001b[K");
    }

    @Test
    void aWarningClearsTheBarFirst() {
        StringWriter text = new StringWriter();
        Progress.Display bar = Progress.display(Progress.Mode.bar, new PrintWriter(text));

        bar.committed(progress(20, 100, 20, 1));
        bar.warning("records lost to retention");
        bar.close();

        assertThat(text.toString()).endsWith("\u001b[K\r\u001b[Kwarning: records lost to retention" + System.lineSeparator());
    }

    @Test
    void linesReportEveryCommitOfAContinuousRun() {
        StringWriter text = new StringWriter();
        Progress.Display lines = Progress.display(Progress.Mode.lines, new PrintWriter(text));

        lines.committed(progress(500, 0, 500, 1));
        lines.committed(progress(900, 0, 900, 2));

        assertThat(text.toString().lines()).containsExactly("progress: 500 committed, 500 records/s", "progress: 900 committed, 450 records/s");
    }

    @Test
    void noneShowsOnlyWarnings() {
        StringWriter text = new StringWriter();
        Progress.Display quiet = Progress.display(Progress.Mode.none, new PrintWriter(text));

        quiet.reading(progress(10, 100, 10, 1));
        quiet.committed(progress(10, 100, 10, 1));
        quiet.warning("careful");
        quiet.close();

        assertThat(text.toString().lines()).containsExactly("warning: careful");
    }

    @Test
    void thePlanLineSaysOnePartitionNotOnePartitions() {
        StringWriter text = new StringWriter();
        Progress.Display lines = Progress.display(Progress.Mode.lines, new PrintWriter(text));
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("t", 0);

        lines.planned(new io.sluice.source.ReadPlan(java.util.List.of(new io.sluice.source.PartitionRange(tp, 0, 1)),
                Map.of(), Map.of(), Map.of(), java.util.List.of()));

        assertThat(text.toString().lines()).containsExactly("planned 1 partition, up to 1 record");
    }
}
