package io.sluice.pipeline;

import io.sluice.format.DecodeException;
import io.sluice.format.SchemaUnavailableException;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.SourceOptions;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.schema.Column;
import io.sluice.schema.Evolution;
import io.sluice.schema.Row;
import io.sluice.schema.SchemaChange;
import io.sluice.schema.SchemaChangeException;
import io.sluice.schema.TableBatch;
import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkConfig;
import io.sluice.source.BoundaryPlanner;
import io.sluice.source.ConsumerMetadata;
import io.sluice.source.PartitionReader;
import io.sluice.source.ReadPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run loop of one pipeline: plan from the sink's stored offsets, read, decode, batch, and commit each
 * batch with its offsets through the sink. Owns batching and shutdown; a failure before a commit leaves the
 * sink exactly as the last commit left it.
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
    /** Each table's columns as the sink will hold them once the batches handed over are committed. */
    private final Map<String, Optional<List<Column>>> tableColumns = new HashMap<>();
    private RecordDecoder decoder;

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
        BoundaryPlanner planner = new BoundaryPlanner(
                new ConsumerMetadata(consumer, spec.source().connection().timeout(), spec.source().connection().bootstrapServers()),
                spec.source().topics(), options);
        Map<TopicPartition, Long> committed = new HashMap<>(sink.committedOffsets());
        ReadPlan plan = planner.plan(committed);
        plan.warnings().forEach(listener::warning);
        listener.planned(plan);
        if (plan.ranges().isEmpty()) {
            listener.warning("no partitions match source " + spec.source().topics() + " yet; nothing to read");
        }
        PartitionReader reader = new PartitionReader(consumer);
        reader.add(plan.ranges());

        decoder = RecordDecoder.open(options);
        boolean continuous = !options.readMode().bounded();
        long planned = plan.recordsToRead();
        long nextRefresh = System.nanoTime() + options.topicRefresh().toNanos();
        Totals totals = new Totals();
        Row row = new Row();
        long nextReport = System.nanoTime() + REPORT_INTERVAL_NANOS;

        try (Committer<Committed> committer = new Committer<>(sink)) {
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
                    ConsumerRecord<byte[], byte[]> r = reader.nextRecord(options.pollTimeout());
                    if (r != null) {
                        accept(r, options.onError(), row, batch);
                    }
                    if ((batch.records() & 4095) == 0) {
                        long now = System.nanoTime();
                        if (now >= nextReport) {
                            nextReport = now + REPORT_INTERVAL_NANOS;
                            listener.reading(totals.inFlight(spec.name(), batch, planned, reader.consumedSpan(), started));
                        }
                    }
                }
                // report a finished commit even when no new batch follows (an idle continuous run)
                completed(committer.poll(), totals, planned, reader, started);
                Map<TopicPartition, Long> next = reader.nextOffsets();
                boolean moved = !next.equals(filter(committed, next));
                if (batch.records() > 0 || moved) {
                    // the previous batch must be durable before this one is handed over: commits stay in order
                    completed(committer.await(), totals, planned, reader, started);
                    Map<String, List<SchemaChange>> changes = evolve(batch);
                    committer.submit(new Batch(batch.tables().values(), next, changes), new Committed(batch, next));
                    committed.putAll(next);
                }
                if (stop.stopped() || reader.done()) {
                    break;
                }
                if (continuous && System.nanoTime() >= nextRefresh) {
                    ReadPlan more = planner.planNew(reader.known(), committed);
                    if (!more.ranges().isEmpty()) {
                        LOG.info("new partitions: {}", more.ranges().stream().map(r -> r.partition().toString()).toList());
                        reader.add(more.ranges());
                        listener.planned(more);
                    }
                    nextRefresh = System.nanoTime() + options.topicRefresh().toNanos();
                }
            }
            completed(committer.await(), totals, planned, reader, started);
        }
        return totals.progress(spec.name(), planned, reader.consumedSpan(), started);
    }

    /**
     * Applies the schema evolution policy to each table of the batch; returns the table changes the sink records.
     * Called with no commit in flight, so the sink may be asked for a table's columns.
     */
    private Map<String, List<SchemaChange>> evolve(BatchBuilder batch) {
        Map<String, List<SchemaChange>> out = new HashMap<>();
        for (TableBatch tb : batch.tables().values()) {
            if (tb.size() == 0) {
                continue;
            }
            Optional<List<Column>> table = tableColumns.computeIfAbsent(tb.table(), sink::columns);
            Evolution.Outcome o;
            try {
                o = Evolution.apply(spec.evolution(), spec.source().options().onError() == OnError.SKIP, tb.table(), table, tb);
            } catch (SchemaChangeException e) {
                throw new SluiceException(Stage.SCHEMA, e.getMessage() + "\nNothing of this batch was committed.");
            }
            // a batch left empty creates no table
            tableColumns.put(tb.table(), table.isEmpty() && tb.size() == 0 ? table : Optional.of(o.tableAfter()));
            if (!o.limitWarning().isEmpty()) {
                listener.warning(o.limitWarning());
            }
            if (o.rowsSkipped() > 0) {
                batch.discard(o.rowsSkipped());
            }
            if (!o.changes().isEmpty()) {
                out.put(tb.table(), o.changes());
                LOG.info("table {}: schema change\n  {}", tb.table(),
                        String.join("\n  ", o.changes().stream().map(SchemaChange::describe).toList()));
            }
            if (o.rowsDiscarded() > 0) {
                batch.discard(o.rowsDiscarded());
            }
            if (o.rowsDiscarded() > 0 && o.limitWarning().isEmpty()) {
                listener.warning("table " + tb.table() + ": left out " + o.rowsDiscarded() + " rows with new columns"
                        + " (schema.evolution.new_column: discard_row)");
            }
            if (o.valuesDiscarded() > 0 && o.limitWarning().isEmpty()) {
                listener.warning("table " + tb.table() + ": dropped " + o.valuesDiscarded() + " values of new columns"
                        + " (schema.evolution.new_column: discard_value)");
            }
            if (o.valuesToVariant() > 0) {
                LOG.info("table {}: {} values that do not fit their column went to {} columns", tb.table(), o.valuesToVariant(),
                        Evolution.VARIANT_PREFIX + "*");
            }
        }
        return out;
    }

    /** A batch handed to the committer, remembered until its commit completes. */
    private record Committed(BatchBuilder batch, Map<TopicPartition, Long> next) {}

    private void completed(Committed c, Totals totals, long planned, PartitionReader reader, long started) {
        if (c == null) {
            return;
        }
        totals.add(c.batch());
        if (spec.source().options().commitToKafka()) {
            commitToKafka(c.next());
        }
        listener.committed(totals.progress(spec.name(), planned, reader.consumedSpan(), started));
    }

    private void accept(ConsumerRecord<byte[], byte[]> r, OnError onError, Row row, BatchBuilder batch) {
        byte[] value = r.value();
        byte[] key = r.key();
        long size = (value == null ? 0 : value.length) + (key == null ? 0 : key.length);
        try {
            decoder.decode(r, row);
        } catch (SchemaUnavailableException e) {
            throw new RecordException(Stage.DECODE, r.topic(), r.partition(), r.offset(), e.getMessage()
                    + " (nothing of this batch was committed; the record is read again on the next run)");
        } catch (DecodeException e) {
            if (onError == OnError.FAIL) {
                throw new RecordException(Stage.DECODE, r.topic(), r.partition(), r.offset(), e.getMessage()
                        + " (nothing of this batch was committed; set source.options.on_error: skip to skip such records)");
            }
            LOG.warn("skipped record {}/{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            batch.skip(size);
            return;
        }
        batch.add(tableOfTopic.computeIfAbsent(r.topic(), sinkConfig::targetFor), row, size);
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

    private static Map<TopicPartition, Long> filter(Map<TopicPartition, Long> all, Map<TopicPartition, Long> keys) {
        Map<TopicPartition, Long> out = new HashMap<>();
        keys.keySet().forEach(k -> {
            if (all.containsKey(k)) {
                out.put(k, all.get(k));
            }
        });
        return out;
    }

    /** Mutable running totals, reported as immutable {@link RunProgress}. */
    private static final class Totals {
        long read;
        long written;
        long skipped;
        long batches;
        final Map<String, Long> perTable = new TreeMap<>();

        void add(BatchBuilder b) {
            read += b.records();
            skipped += b.skipped();
            written += b.records() - b.skipped();
            batches++;
            b.tables().forEach((t, tb) -> perTable.merge(t, (long) tb.size(), Long::sum));
        }

        RunProgress inFlight(String name, BatchBuilder b, long planned, long covered, long started) {
            return new RunProgress(name, read + b.records(), written, skipped, batches, perTable, planned, covered,
                    System.nanoTime() - started);
        }

        RunProgress progress(String name, long planned, long covered, long started) {
            return new RunProgress(name, read, written, skipped, batches, perTable, planned, covered, System.nanoTime() - started);
        }
    }
}
