package io.sluice.pipeline;

import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.SourceOptions;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.schema.Row;
import io.sluice.schema.SchemaChange;
import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import io.sluice.sink.TableRows;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.Positions;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TargetCollisions;
import io.sluice.source.BoundaryPlanner;
import io.sluice.source.ConsumerMetadata;
import io.sluice.source.PartitionReader;
import io.sluice.source.ReadPlan;
import io.sluice.source.SourceHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import io.sluice.source.SourceRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run loop of one pipeline, in stages: plan from the positions the sink's tables hold ({@link #startPlan}); read
 * ({@link PartitionReader}); per record, the row stages ({@link DecodeStage}; transforms and quality rules later) with
 * the original record at hand; batch ({@link BatchBuilder}); the batch stages ({@link EvolveStage}: evolution, then
 * sealing into {@link TableRows}); and hand the batch with its positions to the sink through the {@link Committer},
 * which reports which batches are durable. Summaries, progress and the Kafka offset mirror follow durable batches only.
 * Owns batching and shutdown; a failure leaves the sink as its last durable commit left it.
 */
public final class PipelineRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
    private static final long REPORT_INTERVAL_NANOS = 200_000_000L;

    private final PipelineSpec spec;
    private final Sink sink;
    private final SinkConfig sinkConfig;
    private final Consumer<byte[], byte[]> consumer;
    private final RunListener listener;
    private final StopSignal stop;
    private final Map<String, String> tableOfTopic = new HashMap<>();
    private final Map<String, java.util.Set<String>> tablesOfTopic = new HashMap<>();
    /** Per partition, the tables that already hold more of it than where reading started ({@link Positions#aheadOfStart}). */
    private Map<TopicPartition, Map<String, Long>> aheadOfStart = Map.of();
    /** Kafka's id of each topic read, stored with its positions so a recreated topic is recognised. */
    private final Map<String, String> topicIds = new HashMap<>();
    /** The topic ids the sink's positions were stored for, checked again when partitions appear. */
    private Map<String, String> storedTopicIds = Map.of();
    /** Where each partition's range starts, to measure how far the committed offsets are through the plan. */
    private final Map<TopicPartition, Long> startNext = new HashMap<>();

    /** The sink and consumer are owned by the caller, who closes them. */
    public PipelineRunner(PipelineSpec spec, Sink sink, Consumer<byte[], byte[]> consumer, RunListener listener,
            StopSignal stop) {
        this.spec = spec;
        this.sink = sink;
        this.sinkConfig = spec.sink().config();
        this.consumer = consumer;
        this.listener = listener;
        this.stop = stop;
    }

    public RunProgress run() {
        long started = System.nanoTime();
        SourceOptions options = spec.source().options();
        Duration timeout = spec.source().connection().timeout();
        String bootstrap = spec.source().connection().bootstrapServers();
        ConsumerMetadata metadata = new ConsumerMetadata(consumer, spec.source().connection());
        BoundaryPlanner planner = new BoundaryPlanner(metadata, spec.source().topics(), options);
        Positions positions = Positions.of(sink.positions(), sinkConfig);
        Map<TopicPartition, Long> committed = new HashMap<>(positions.nextOffsets());
        storedTopicIds = positions.topicIds();
        aheadOfStart = positions.aheadOfStart();
        ReadPlan plan = startPlan(planner, positions, spec);
        topicIds.putAll(plan.topicIds());
        plan.warnings().forEach(listener::warning);
        listener.planned(plan);
        if (plan.ranges().isEmpty()) {
            listener.warning("no partitions match source " + spec.source().topics() + " yet; nothing to read");
        }
        PartitionReader reader = new PartitionReader(consumer, metadata, listener::warning);
        reader.add(plan.ranges());
        plan.ranges().forEach(r -> startNext.put(r.partition(), r.startNext()));

        DecodeStage decode = new DecodeStage(RecordDecoder.open(options), options.onError());
        EvolveStage evolve = new EvolveStage(spec.evolution(), options.onError() == OnError.SKIP, sink, listener);
        boolean continuous = !options.readMode().bounded();
        Duration probeTimeout = SourceHealth.probeTimeout(timeout);
        SourceHealth health = new SourceHealth(reader, new ConsumerMetadata(consumer, probeTimeout, bootstrap), timeout,
                probeTimeout, bootstrap, !continuous, listener::warning);
        long planned = plan.recordsToRead();
        long nextRefresh = System.nanoTime() + options.topicRefresh().toNanos();
        Totals totals = new Totals();
        Row row = new Row();
        long nextReport = System.nanoTime() + REPORT_INTERVAL_NANOS;

        long sequence = 0;
        try (Committer<Committed> committer = new Committer<>(sink, spec.sink().type(), Committer.WARN_EVERY, listener::warning)) {
            try {
                while (true) {
                    BatchBuilder batch = new BatchBuilder();
                    long batchDeadline = System.nanoTime() + options.batchTimeout().toNanos();
                    while (batch.records() < options.batchSize() && batch.bytes() < options.batchMaxBytes() && !stop.stopped()) {
                        if (reader.done()) {
                            break;
                        }
                        if (continuous && System.nanoTime() >= batchDeadline) {
                            break;
                        }
                        SourceRecord r = reader.next(options.pollTimeout());
                        if (r != null) {
                            if (decode.apply(r, row)) {
                                String table = tableOfTopic.computeIfAbsent(r.stream(), sinkConfig::targetFor);
                                if (aheadOfStart.isEmpty() || !alreadyHeld(table, r)) {
                                    batch.add(table, row, DecodeStage.size(r));
                                } else {
                                    batch.skip(DecodeStage.size(r));
                                }
                            } else {
                                batch.skip(DecodeStage.size(r));
                            }
                        }
                        health.check();
                        if ((batch.records() & 4095) == 0) {
                            long now = System.nanoTime();
                            if (now >= nextReport) {
                                nextReport = now + REPORT_INTERVAL_NANOS;
                                listener.reading(totals.inFlight(spec.name(), batch, planned, reader.consumedSpan(), started));
                            }
                        }
                    }
                    // report what became durable even when no new batch follows (an idle continuous run)
                    completed(committer.poll(), totals, planned, reader, started);
                    Map<TopicPartition, Long> next = reader.nextPositions();
                    boolean moved = !next.equals(filter(committed, next));
                    if (batch.records() > 0 || moved) {
                        // the previous call must be done before this batch is handed over: batches reach the sink in order
                        completed(committer.await(), totals, planned, reader, started);
                        if (committer.flushDue()) {
                            // a sink that commits at an interval gets its flush while batches keep coming, too
                            committer.flush();
                            completed(committer.await(), totals, planned, reader, started);
                        }
                        Map<String, List<SchemaChange>> changes = new HashMap<>();
                        List<TableRows> rows = evolve.apply(batch, changes);
                        committer.submit(new Batch(sequence++, rows, positions(next), changes), new Committed(batch.counts(), next));
                        committed.putAll(next);
                    } else if (committer.flushDue()) {
                        completed(committer.await(), totals, planned, reader, started);
                        committer.flush();
                    }
                    if (stop.stopped() || reader.done()) {
                        break;
                    }
                    if (continuous && System.nanoTime() >= nextRefresh) {
                        refresh(planner, reader, committed, positions);
                        nextRefresh = System.nanoTime() + options.topicRefresh().toNanos();
                    }
                }
            } catch (RuntimeException e) {
                RuntimeException failure = recreatedInstead(e, planner);
                // what was handed over before the failing batch becomes durable, as if every batch were committed
                completed(committer.flushAfter(failure), totals, planned, reader, started);
                throw failure;
            }
            // the end of a bounded run and a clean stop make everything handed over durable
            completed(committer.await(), totals, planned, reader, started);
            if (committer.hasPending()) {
                committer.flush();
                completed(committer.await(), totals, planned, reader, started);
            }
        }
        boolean stoppedBeforeEnd = !continuous && stop.stopped() && !reader.done();
        return totals.progress(spec.name(), planned, reader.consumedSpan(), started, stoppedBeforeEnd);
    }

    /**
     * A partition that ends before where the run is usually means its topic was deleted and recreated: say so, as the
     * topic refresh would, when the topic id shows it.
     */
    private RuntimeException recreatedInstead(RuntimeException e, BoundaryPlanner planner) {
        if (!(e instanceof OffsetConflictException)) {
            return e;
        }
        try {
            planner.checkStillSameTopics(topicIds);
        } catch (OffsetConflictException recreated) {
            recreated.addSuppressed(e);
            return recreated;
        } catch (RuntimeException cannotTell) {
            e.addSuppressed(cannotTell);
        }
        return e;
    }

    /** Picks up new partitions; a broker that does not answer is retried at the next refresh, not fatal. */
    private void refresh(BoundaryPlanner planner, PartitionReader reader, Map<TopicPartition, Long> committed,
            Positions positions) {
        ReadPlan more;
        try {
            planner.checkStillSameTopics(topicIds);
            more = planner.planNew(reader.known(), committed, storedTopicIds);
        } catch (SluiceException e) {
            if (e.stage() != Stage.CONNECT) {
                throw e;
            }
            listener.warning("could not look for new partitions: " + e.getMessage() + "; trying again in "
                    + spec.source().options().topicRefresh().toMillis() + " ms (source.options.topic_refresh_ms)");
            return;
        }
        more.warnings().forEach(listener::warning);
        if (!more.ranges().isEmpty()) {
            java.util.Set<String> all = new java.util.TreeSet<>(more.topics());
            reader.known().forEach(p -> all.add(p.topic()));
            TargetCollisions.check(all, positions, sinkConfig);
            topicIds.putAll(more.topicIds());
            LOG.info("new partitions: {}", more.ranges().stream().map(r -> r.partition().toString()).toList());
            reader.add(more.ranges());
            more.ranges().forEach(r -> startNext.put(r.partition(), r.startNext()));
            listener.planned(more);
        }
    }

    /**
     * The plan a run of {@code spec} starts with from the sink's {@code stored} positions, after the checks made before
     * anything is read (recreated topics, topics colliding in one table); its warnings include the tables whose records
     * other pipelines loaded. {@code plan} shows exactly this.
     */
    public static ReadPlan startPlan(BoundaryPlanner planner, Positions stored, PipelineSpec spec) {
        ReadPlan plan = planner.plan(stored.nextOffsets(), stored.topicIds());
        TargetCollisions.check(plan.topics(), stored, spec.sink().config());
        if (!spec.source().options().resumeFromStored()) {
            return plan;
        }
        List<String> warnings = new java.util.ArrayList<>(stored.sharedWith(spec.name()));
        warnings.addAll(plan.warnings());
        return new ReadPlan(plan.ranges(), plan.stored(), plan.highWatermarks(), plan.topicIds(), warnings);
    }

    /** Whether {@code table} holds {@code r} already: it is ahead of where the partition's reading started. */
    private boolean alreadyHeld(String table, SourceRecord r) {
        Map<String, Long> ahead = aheadOfStart.get(new TopicPartition(r.stream(), r.partition()));
        if (ahead == null) {
            return false;
        }
        Long next = ahead.get(table.toLowerCase(java.util.Locale.ROOT));
        return next != null && r.offset() < next;
    }

    /**
     * The batch's next offsets as positions of every table their topics feed, whether or not the batch has rows for it:
     * each table's position says how far the partition has been read for it.
     */
    private List<TablePosition> positions(Map<TopicPartition, Long> next) {
        List<TablePosition> out = new java.util.ArrayList<>(next.size());
        next.forEach((tp, offset) -> {
            for (String table : tablesOfTopic.computeIfAbsent(tp.topic(), sinkConfig::tablesFor)) {
                out.add(new TablePosition(table, tp, offset, Optional.ofNullable(topicIds.get(tp.topic()))));
            }
        });
        return out;
    }

    /** A batch handed to the committer, remembered until its commit completes. */
    private record Committed(BatchBuilder.Counts batch, Map<TopicPartition, Long> next) {}

    /** Counts batches that became durable; summaries, progress and the Kafka offset mirror follow only these. */
    private void completed(List<Committed> durable, Totals totals, long planned, PartitionReader reader, long started) {
        if (durable.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> next = new HashMap<>();
        for (Committed c : durable) {
            totals.add(c.batch());
            next.putAll(c.next());
        }
        totals.committedSpan = span(next);
        if (spec.source().options().commitToKafka()) {
            commitToKafka(next);
        }
        listener.committed(totals.progress(spec.name(), planned, reader.consumedSpan(), started, false));
    }

    private void commitToKafka(Map<TopicPartition, Long> next) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((p, o) -> offsets.put(p, new OffsetAndMetadata(o)));
        try {
            consumer.commitSync(offsets);
        } catch (RuntimeException e) {
            listener.warning("could not commit offsets to Kafka group " + spec.source().options().groupId().orElse("")
                    + " (lag monitoring only; the sink holds the real offsets): " + e.getMessage());
        }
    }

    /** Offsets from the start of each range up to {@code next}, summed: how far {@code next} is through the plan. */
    private long span(Map<TopicPartition, Long> next) {
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            n += Math.max(0, e.getValue() - startNext.getOrDefault(e.getKey(), e.getValue()));
        }
        return n;
    }

    private static Map<TopicPartition, Long> filter(Map<TopicPartition, Long> all, Map<TopicPartition, Long> keys) {
        Map<TopicPartition, Long> out = new HashMap<>();
        keys.keySet().forEach(k -> {
            if (all.containsKey(k)) {
                out.put(k, all.get(k));
            }
        });
        return out;
    }
}
