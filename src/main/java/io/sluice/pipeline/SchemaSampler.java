package io.sluice.pipeline;

import io.sluice.format.DecodeException;
import io.sluice.format.SchemaUnavailableException;
import io.sluice.manifest.PipelineSpec;
import io.sluice.schema.Row;
import io.sluice.schema.TableBatch;
import io.sluice.source.PartitionRange;
import io.sluice.source.ConsumerMetadata;
import io.sluice.source.PartitionReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import io.sluice.source.SourceRecord;

/**
 * Decodes a sample of records into per-table batches, exactly as a run would, without writing anything:
 * what {@code sluice schema infer} and {@code schema diff} show.
 */
public final class SchemaSampler {
    private static final int MAX_PROBLEMS = 10;

    /**
     * @param tables   the sampled rows per target table
     * @param read     records read
     * @param problems records that did not decode, as {@code topic/partition@offset: reason} (at most 10)
     * @param failed   how many did not decode
     * @param schemaIds per table, the registry ids of the writer schemas seen, by topic
     */
    public record Sample(Map<String, TableBatch> tables, long read, List<String> problems, long failed,
            Map<String, Map<Integer, String>> schemaIds) {}

    private SchemaSampler() {}

    /**
     * Reads the ranges until {@code limit} records or their ends, waiting at most {@code idle} for records that do
     * not come. Registry outages fail; undecodable records are listed, not thrown.
     */
    public static Sample sample(PipelineSpec spec, Consumer<byte[], byte[]> consumer, List<PartitionRange> ranges, long limit,
            Duration idle) {
        RecordDecoder decoder = RecordDecoder.open(spec.source().options());
        Map<String, TableBatch> tables = new LinkedHashMap<>();
        Map<String, String> tableOfTopic = new HashMap<>();
        List<String> problems = new ArrayList<>();
        PartitionReader reader = new PartitionReader(consumer, new ConsumerMetadata(consumer, spec.source().connection().timeout(),
                spec.source().connection().bootstrapServers()), problems::add);
        reader.add(ranges);
        long read = 0;
        long failed = 0;
        Map<String, Map<Integer, String>> schemaIds = new HashMap<>();
        Row row = new Row();
        long deadline = System.nanoTime() + idle.toNanos();
        while (read < limit && !reader.done() && System.nanoTime() < deadline) {
            SourceRecord r = reader.next(Duration.ofMillis(200));
            if (r == null) {
                continue;
            }
            deadline = System.nanoTime() + idle.toNanos();
            read++;
            try {
                decoder.decode(r, row);
            } catch (SchemaUnavailableException e) {
                throw new RecordException(Stage.DECODE, r.stream(), r.partition(), r.offset(), e.getMessage());
            } catch (DecodeException e) {
                failed++;
                if (problems.size() < MAX_PROBLEMS) {
                    problems.add(r.stream() + "/" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                }
                continue;
            }
            String table = tableOfTopic.computeIfAbsent(r.stream(), spec.sink().config()::targetFor);
            tables.computeIfAbsent(table, TableBatch::new).add(row);
            if (row.schemaId() >= 0) {
                schemaIds.computeIfAbsent(table, t -> new java.util.TreeMap<>()).putIfAbsent(row.schemaId(), r.stream());
            }
        }
        return new Sample(tables, read, problems, failed, schemaIds);
    }
}
