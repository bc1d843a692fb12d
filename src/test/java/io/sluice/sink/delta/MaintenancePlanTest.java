package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.pipeline.CheckFailedException;
import io.sluice.sink.delta.Compaction.Bin;
import io.sluice.sink.delta.LiveFiles.LiveFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a compaction groups files, and how vacuum reads a table's retention. */
class MaintenancePlanTest {
    private static LiveFile file(String name, String region, long size, long written) {
        Map<String, String> pv = new java.util.HashMap<>();
        pv.put("col-r", region);
        return new LiveFile("file:/t/" + name, size, written, pv, Optional.of(1L), null);
    }

    private static List<List<String>> names(List<Bin> bins) {
        List<List<String>> out = new ArrayList<>();
        bins.forEach(b -> out.add(b.files().stream().map(f -> f.path().substring("file:/t/".length())).toList()));
        return out;
    }

    @Test
    void filesArePackedPerPartitionInWriteOrderUpToTheTargetAndLoneFilesAndBigOnesStay() {
        List<LiveFile> live = List.of(
                file("e1", "eu", 40, 1), file("u1", "us", 10, 2), file("e2", "eu", 40, 3), file("big", "eu", 100, 4),
                file("e3", "eu", 30, 5), file("e4", "eu", 50, 6), file("u2", "us", 10, 7), file("n1", null, 5, 8),
                file("e5", "eu", 99, 9));

        List<Bin> bins = Compaction.plan(live, 100);

        // eu: e1+e2 (80; e3 would make 110), e3+e4 (80), e5 alone stays; big is not small; us: u1+u2; null: n1 alone
        assertThat(names(bins)).containsExactly(List.of("e1", "e2"), List.of("e3", "e4"), List.of("u1", "u2"));
        assertThat(bins.get(0).bytes()).isEqualTo(80);
        assertThat(bins.get(2).partition()).containsEntry("col-r", "us");
        assertThat(Compaction.plan(List.of(file("a", "eu", 10, 1)), 100)).isEmpty();
    }

    @Test
    void theRetentionPropertyIsReadInDeltasIntervalWords() {
        assertThat(Vacuum.retention("t", null)).isEqualTo(Duration.ofDays(7));
        assertThat(Vacuum.retention("t", "interval 7 days")).isEqualTo(Duration.ofDays(7));
        assertThat(Vacuum.retention("t", "interval 1 week")).isEqualTo(Duration.ofDays(7));
        assertThat(Vacuum.retention("t", "168 hours")).isEqualTo(Duration.ofHours(168));
        assertThat(Vacuum.retention("t", "INTERVAL 1 day 12 hours")).isEqualTo(Duration.ofHours(36));
        assertThat(Vacuum.retention("t", "interval 1 second")).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> Vacuum.retention("events", "interval 2 fortnights"))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("table events: its property delta.deletedFileRetentionDuration = \"interval 2 fortnights\" is"
                        + " not an interval Sluice reads (e.g. \"interval 7 days\"). Nothing was deleted");
        assertThat(Vacuum.describe(Duration.ofDays(7))).isEqualTo("168h");
        assertThat(Vacuum.describe(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Vacuum.describe(Duration.ofSeconds(90))).isEqualTo("90s");
    }
}
