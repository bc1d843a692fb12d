package io.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.manifest.ReadMode;
import io.sluice.manifest.SourceOptions;
import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.manifest.StartPosition;
import io.sluice.manifest.TopicSelection;
import io.sluice.pipeline.OffsetConflictException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BoundaryPlannerTest {
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition ORDERS_2 = new TopicPartition("orders", 2);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** orders-0 holds [0, 100), orders-1 holds [10, 50), orders-2 is empty at 30. */
    private final FakeTopicMetadata metadata = new FakeTopicMetadata()
            .partition("orders", 0, 0, 100)
            .partition("orders", 1, 10, 50)
            .partition("orders", 2, 30, 30);

    // --- offsets mode (up to the high watermark)

    @Test
    void startsAtTheStoredOffsetElseAtTheEarliest() {
        ReadPlan plan = plan(toHighWatermark(), Map.of(ORDERS_0, 40L));

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 40, 100),
                new PartitionRange(ORDERS_1, 10, 50),
                new PartitionRange(ORDERS_2, 30, 30));
        assertThat(plan.recordsToRead()).isEqualTo(100);
        assertThat(plan.warnings()).isEmpty();
        assertThat(plan.stored()).isEqualTo(Map.of(ORDERS_0, 40L));
        assertThat(plan.highWatermarks()).isEqualTo(Map.of(ORDERS_0, 100L, ORDERS_1, 50L, ORDERS_2, 30L));
        assertThat(plan.ranges()).allMatch(PartitionRange::bounded);
    }

    @Test
    void latestInitialPositionReadsNothingOldWhereNothingIsStored() {
        ReadPlan plan = plan(options(new ReadMode.ToHighWatermark(), true, new StartPosition.Latest()),
                Map.of(ORDERS_1, 20L));

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 100, 100),
                new PartitionRange(ORDERS_1, 20, 50),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    @Test
    void timestampInitialPositionStartsAtTheFirstRecordThatLate() {
        metadata.timestamps("orders", 0, T0.toEpochMilli(), 1_000).timestamps("orders", 1, T0.toEpochMilli(), 60_000);
        StartPosition at = new StartPosition.AtTimestamp(T0.plusSeconds(25));

        ReadPlan plan = plan(options(new ReadMode.ToHighWatermark(), true, at), Map.of());

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 25, 100),
                new PartitionRange(ORDERS_1, 11, 50),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    @Test
    void timestampAfterEveryRecordStartsAtTheEnd() {
        metadata.timestamps("orders", 0, T0.toEpochMilli(), 1_000);
        StartPosition at = new StartPosition.AtTimestamp(T0.plusSeconds(3_600));

        ReadPlan plan = plan(options(new ReadMode.ToHighWatermark(), true, at), Map.of());

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 100, 100),
                new PartitionRange(ORDERS_1, 50, 50),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    @Test
    void storedOffsetsAreIgnoredWhenNotResuming() {
        ReadPlan plan = plan(options(new ReadMode.ToHighWatermark(), false, new StartPosition.Earliest()),
                Map.of(ORDERS_0, 40L, ORDERS_1, 5_000L));

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 0, 100),
                new PartitionRange(ORDERS_1, 10, 50),
                new PartitionRange(ORDERS_2, 30, 30));
        assertThat(plan.stored()).as("still reported").containsEntry(ORDERS_0, 40L);
    }

    @Test
    void storedOffsetBelowTheLogStartWarnsAndStartsAtTheLogStart() {
        ReadPlan plan = plan(toHighWatermark(), Map.of(ORDERS_1, 3L));

        assertThat(plan.ranges()).contains(new PartitionRange(ORDERS_1, 10, 50));
        assertThat(plan.warnings()).containsExactly(
                "orders-1: records 3..9 were deleted by retention before they were read; continuing at 10");
    }

    @Test
    void storedOffsetAtTheEndReadsNothing() {
        ReadPlan plan = plan(toHighWatermark(), Map.of(ORDERS_0, 100L, ORDERS_2, 30L));

        assertThat(plan.ranges()).contains(new PartitionRange(ORDERS_0, 100, 100), new PartitionRange(ORDERS_2, 30, 30));
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void storedOffsetBeyondTheEndIsAConflict() {
        OffsetConflictException e = catchThrowableOfType(OffsetConflictException.class,
                () -> plan(toHighWatermark(), Map.of(ORDERS_0, 101L)));

        assertThat(e.stage()).isEqualTo(Stage.OFFSETS);
        assertThat(e).hasMessage("stored offsets do not fit the topic (was it deleted and recreated?): "
                + "orders-0 stored next offset 101 is beyond the end offset 100. Move them with `sluice offsets reset`.");
    }

    @Test
    void everyConflictingPartitionIsNamed() {
        OffsetConflictException e = catchThrowableOfType(OffsetConflictException.class,
                () -> plan(toHighWatermark(), Map.of(ORDERS_0, 500L, ORDERS_1, 20L, ORDERS_2, 31L)));

        assertThat(e).hasMessage("stored offsets do not fit the topic (was it deleted and recreated?): "
                + "orders-0 stored next offset 500 is beyond the end offset 100; "
                + "orders-2 stored next offset 31 is beyond the end offset 30. Move them with `sluice offsets reset`.");
    }

    // --- max_records

    @Test
    void maxRecordsSharesTheBudgetFairly() {
        ReadPlan plan = plan(options(new ReadMode.MaxRecords(31), true, new StartPosition.Earliest()),
                Map.of(ORDERS_1, 45L));

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 0, 26),
                new PartitionRange(ORDERS_1, 45, 50),
                new PartitionRange(ORDERS_2, 30, 30));
        assertThat(plan.recordsToRead()).isEqualTo(31);
    }

    @Test
    void maxRecordsLargerThanWhatIsThereReadsEverything() {
        ReadPlan plan = plan(options(new ReadMode.MaxRecords(Long.MAX_VALUE), true, new StartPosition.Earliest()),
                Map.of());

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 0, 100),
                new PartitionRange(ORDERS_1, 10, 50),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    @Test
    void shareBudgetSplitsEvenlyWithTheRemainderGoingToTheFirstPartitions() {
        List<TopicPartition> parts = List.of(ORDERS_0, ORDERS_1, ORDERS_2);
        Map<TopicPartition, Long> starts = Map.of(ORDERS_0, 0L, ORDERS_1, 0L, ORDERS_2, 0L);
        Map<TopicPartition, Long> end = Map.of(ORDERS_0, 100L, ORDERS_1, 100L, ORDERS_2, 100L);

        assertThat(BoundaryPlanner.shareBudget(parts, starts, end, 10))
                .isEqualTo(Map.of(ORDERS_0, 4L, ORDERS_1, 3L, ORDERS_2, 3L));
        assertThat(BoundaryPlanner.shareBudget(parts, starts, end, 0))
                .isEqualTo(Map.of(ORDERS_0, 0L, ORDERS_1, 0L, ORDERS_2, 0L));
    }

    @Test
    void shareBudgetNeverExceedsAvailabilityAndSpendsAllItCan() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(8);
            List<TopicPartition> parts = new ArrayList<>();
            Map<TopicPartition, Long> starts = new HashMap<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            long total = 0;
            for (int i = 0; i < n; i++) {
                TopicPartition p = new TopicPartition(random.nextBoolean() ? "a" : "b", i);
                long start = random.nextInt(1_000);
                long available = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 10 : 100_000);
                parts.add(p);
                starts.put(p, start);
                end.put(p, start + available);
                total += available;
            }
            long budget = random.nextInt(3) == 0 ? random.nextInt(20) : random.nextInt(300_000);
            String context = "round " + round + ": budget " + budget + ", starts " + starts + ", ends " + end;

            Map<TopicPartition, Long> ends = BoundaryPlanner.shareBudget(parts, starts, end, budget);

            long taken = 0;
            long smallestUnfilled = Long.MAX_VALUE;
            for (TopicPartition p : parts) {
                long take = ends.get(p) - starts.get(p);
                long available = end.get(p) - starts.get(p);
                assertThat(take).as(context).isBetween(0L, available);
                if (take < available) {
                    smallestUnfilled = Math.min(smallestUnfilled, take);
                }
                taken += take;
            }
            assertThat(taken).as(context).isEqualTo(Math.min(budget, total));
            for (TopicPartition p : parts) {
                long take = ends.get(p) - starts.get(p);
                assertThat(take).as("at most one more than a partition that was not filled; " + context)
                        .isLessThanOrEqualTo(smallestUnfilled == Long.MAX_VALUE ? take : smallestUnfilled + 1);
            }
            List<TopicPartition> shuffled = new ArrayList<>(parts);
            Collections.shuffle(shuffled, random);
            assertThat(BoundaryPlanner.shareBudget(shuffled, starts, end, budget)).as("independent of input order")
                    .isEqualTo(ends);
        }
    }

    // --- time_window

    @Test
    void timeWindowReadsTheOffsetsOfItsTimestamps() {
        metadata.timestamps("orders", 0, T0.toEpochMilli(), 1_000).timestamps("orders", 1, T0.toEpochMilli(), 2_000);
        ReadMode window = new ReadMode.TimeWindow(T0.plusSeconds(10), Optional.of(T0.plusSeconds(20)));

        ReadPlan plan = plan(options(window, true, new StartPosition.Earliest()), Map.of());

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 10, 20),
                new PartitionRange(ORDERS_1, 15, 20),
                new PartitionRange(ORDERS_2, 30, 30));
        assertThat(plan.highWatermarks()).containsEntry(ORDERS_0, 100L);
    }

    @Test
    void timeWindowWithoutToReadsUpToTheHighWatermark() {
        metadata.timestamps("orders", 0, T0.toEpochMilli(), 1_000).timestamps("orders", 1, T0.toEpochMilli(), 1_000);
        ReadMode window = new ReadMode.TimeWindow(T0.plusSeconds(90), Optional.empty());

        ReadPlan plan = plan(options(window, true, new StartPosition.Earliest()), Map.of());

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 90, 100),
                new PartitionRange(ORDERS_1, 50, 50),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    @Test
    void timeWindowStartingBeforeTheFirstRecordStartsAtTheLogStart() {
        metadata.timestamps("orders", 0, T0.toEpochMilli(), 1_000).timestamps("orders", 1, T0.toEpochMilli(), 1_000);
        ReadMode window = new ReadMode.TimeWindow(Instant.EPOCH, Optional.of(T0.plusSeconds(5)));

        ReadPlan plan = plan(options(window, true, new StartPosition.Earliest()), Map.of());

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 0, 5),
                new PartitionRange(ORDERS_1, 10, 15),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    @Test
    void timeWindowResumesFromStoredOffsetsInsideTheWindowAndNeverGoesBackwards() {
        metadata.timestamps("orders", 0, T0.toEpochMilli(), 1_000).timestamps("orders", 1, T0.toEpochMilli(), 1_000);
        ReadMode window = new ReadMode.TimeWindow(T0.plusSeconds(10), Optional.of(T0.plusSeconds(20)));

        ReadPlan plan = plan(options(window, true, new StartPosition.Earliest()), Map.of(ORDERS_0, 15L, ORDERS_1, 40L));

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 15, 20),
                new PartitionRange(ORDERS_1, 40, 40),
                new PartitionRange(ORDERS_2, 30, 30));
    }

    // --- continuous

    @Test
    void continuousRangesAreUnbounded() {
        ReadPlan plan = plan(options(new ReadMode.Continuous(), true, new StartPosition.Earliest()), Map.of(ORDERS_0, 7L));

        assertThat(plan.ranges()).containsExactly(
                new PartitionRange(ORDERS_0, 7, PartitionRange.UNBOUNDED),
                new PartitionRange(ORDERS_1, 10, PartitionRange.UNBOUNDED),
                new PartitionRange(ORDERS_2, 30, PartitionRange.UNBOUNDED));
        assertThat(plan.ranges()).noneMatch(PartitionRange::bounded);
        assertThat(plan.recordsToRead()).isZero();
    }

    @Test
    void planNewCoversOnlyPartitionsNotSeenBefore() {
        BoundaryPlanner planner = new BoundaryPlanner(metadata, new TopicSelection.Named(List.of("orders")),
                options(new ReadMode.MaxRecords(5), true, new StartPosition.Earliest()));

        ReadPlan plan = planner.planNew(Set.of(ORDERS_0, ORDERS_2), Map.of(ORDERS_1, 12L));

        assertThat(plan.ranges()).containsExactly(new PartitionRange(ORDERS_1, 12, PartitionRange.UNBOUNDED));
        assertThat(planner.planNew(Set.of(ORDERS_0, ORDERS_1, ORDERS_2), Map.of()).ranges()).isEmpty();
    }

    @Test
    void partitionsThatAppearWhileRunningStartAtTheirEarliestOffsetWhateverTheInitialPosition() {
        for (StartPosition initial : List.of(new StartPosition.Latest(), new StartPosition.AtTimestamp(T0.plusSeconds(3600)))) {
            for (boolean resume : List.of(true, false)) {
                BoundaryPlanner planner = new BoundaryPlanner(metadata, new TopicSelection.Named(List.of("orders")),
                        options(new ReadMode.Continuous(), resume, initial));

                ReadPlan plan = planner.planNew(Set.of(ORDERS_2), Map.of());

                assertThat(plan.ranges()).as(initial + ", resume " + resume).containsExactly(
                        new PartitionRange(ORDERS_0, 0, PartitionRange.UNBOUNDED),
                        new PartitionRange(ORDERS_1, 10, PartitionRange.UNBOUNDED));
            }
        }
        // the first plan still follows initial_position
        BoundaryPlanner latest = new BoundaryPlanner(metadata, new TopicSelection.Named(List.of("orders")),
                options(new ReadMode.Continuous(), true, new StartPosition.Latest()));
        assertThat(latest.plan(Map.of()).ranges()).extracting(PartitionRange::startNext).containsExactly(100L, 50L, 30L);
    }

    // --- empty partitions in every bounded mode

    @Test
    void emptyPartitionsStartAndEndAtTheSameOffsetInEveryBoundedMode() {
        FakeTopicMetadata empty = new FakeTopicMetadata().partition("quiet", 0, 0, 0).partition("quiet", 1, 17, 17);
        List<ReadMode> modes = List.of(new ReadMode.ToHighWatermark(), new ReadMode.MaxRecords(10),
                new ReadMode.TimeWindow(T0, Optional.of(T0.plusSeconds(60))), new ReadMode.TimeWindow(T0, Optional.empty()));
        for (ReadMode mode : modes) {
            for (StartPosition initial : List.of(new StartPosition.Earliest(), new StartPosition.Latest(),
                    new StartPosition.AtTimestamp(T0))) {
                ReadPlan plan = new BoundaryPlanner(empty, new TopicSelection.Named(List.of("quiet")),
                        options(mode, true, initial)).plan(Map.of());

                assertThat(plan.ranges()).as(mode + " from " + initial).containsExactly(
                        new PartitionRange(new TopicPartition("quiet", 0), 0, 0),
                        new PartitionRange(new TopicPartition("quiet", 1), 17, 17));
                assertThat(plan.recordsToRead()).isZero();
            }
        }
    }

    // --- topic selection

    @Test
    void regexSelectsEveryTopicWhoseWholeNameMatchesInTopicOrder() {
        FakeTopicMetadata topics = new FakeTopicMetadata()
                .partition("orders.us", 1, 0, 1).partition("orders.us", 0, 0, 1)
                .partition("orders.eu", 0, 0, 1)
                .partition("orders.eu.dlq", 0, 0, 1)
                .partition("payments", 0, 0, 1);
        BoundaryPlanner planner = new BoundaryPlanner(topics,
                new TopicSelection.Matching(Pattern.compile("orders\\.(eu|us)")), toHighWatermark());

        assertThat(planner.partitions()).containsExactly(
                new TopicPartition("orders.eu", 0), new TopicPartition("orders.us", 0), new TopicPartition("orders.us", 1));
    }

    @Test
    void regexMatchingNothingPlansNothing() {
        BoundaryPlanner planner = new BoundaryPlanner(metadata,
                new TopicSelection.Matching(Pattern.compile("clicks.*")), toHighWatermark());

        ReadPlan plan = planner.plan(Map.of(ORDERS_0, 3L));

        assertThat(plan.ranges()).isEmpty();
        assertThat(plan.highWatermarks()).isEmpty();
        assertThat(plan.stored()).containsEntry(ORDERS_0, 3L);
    }

    @Test
    void aMissingNamedTopicIsAPlanError() {
        BoundaryPlanner planner = new BoundaryPlanner(metadata,
                new TopicSelection.Named(List.of("orders", "orders.apac")), toHighWatermark());

        SluiceException e = catchThrowableOfType(SluiceException.class, () -> planner.plan(Map.of()));

        assertThat(e.stage()).isEqualTo(Stage.PLAN);
        assertThat(e).hasMessage("topic orders.apac does not exist (source.topics)");
    }

    @Test
    void everyMissingNamedTopicIsListed() {
        BoundaryPlanner planner = new BoundaryPlanner(metadata,
                new TopicSelection.Named(List.of("clicks", "orders", "views")), toHighWatermark());

        SluiceException e = catchThrowableOfType(SluiceException.class, planner::partitions);

        assertThat(e).hasMessage("topics clicks, views do not exist (source.topics)");
    }

    private ReadPlan plan(SourceOptions options, Map<TopicPartition, Long> stored) {
        return new BoundaryPlanner(metadata, new TopicSelection.Named(List.of("orders")), options).plan(stored);
    }

    private static SourceOptions toHighWatermark() {
        return options(new ReadMode.ToHighWatermark(), true, new StartPosition.Earliest());
    }

    private static SourceOptions options(ReadMode mode, boolean resume, StartPosition initial) {
        return new SourceOptions(mode, resume, initial, MessageFormat.JSON, NestedMode.FLATTEN, "__", 50_000, 64L << 20,
                Duration.ofSeconds(1), Duration.ofMillis(500), OnError.FAIL, Optional.empty(), false,
                Duration.ofSeconds(30), io.sluice.manifest.SchemaOptions.none());
    }
}
