package io.sluice.sink.parquet;

import com.sun.management.OperatingSystemMXBean;
import io.sluice.dev.SensorEvents;
import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.pipeline.RecordDecoder;
import io.sluice.schema.Row;
import io.sluice.schema.TableBatch;
import io.sluice.sink.Batch;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.SinkRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The Parquet writer alone, in CPU seconds per 1M sensor events: the generator's JSON events decoded by Sluice's JSON
 * decoder into batches (not measured), then written through the sink and committed (measured: the writing thread, and
 * the whole process, which adds GC and JIT threads).
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.sluice.sink.parquet.ParquetWriterBench [rows] [batch] [runs] [codec]</pre>
 */
public final class ParquetWriterBench {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String codec = args.length > 3 ? args[3] : "zstd";
        Path root = Files.createTempDirectory("parquet-bench");
        String yaml = "name: bench\nsource:\n  type: kafka\n  connection:\n    bootstrap_servers: localhost:9092\n  topics: [sensors]\n"
                + "  options: {message_format: json}\nsink:\n  type: parquet\n  path: " + root + "\n  compression: " + codec
                + "\n  partition_by: [{column: _kafka_timestamp, transform: day}]\n";
        Manifest m = new ManifestLoader(Map.of(), SinkRegistry.load()).parse("bench.yaml", yaml);
        PipelineSpec spec = m.pipelines().get(0);
        RecordDecoder decoder = RecordDecoder.open(spec.source().options());
        SensorEvents events = new SensorEvents(42, 500, Instant.parse("2026-12-02T00:00:00Z"), 1000);
        List<TableRows> batches = new ArrayList<>();
        Row row = new Row();
        long ts = Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();
        for (int b = 0; b * batchSize < rows; b++) {
            TableBatch tb = new TableBatch("sensors");
            for (int i = 0; i < batchSize && b * batchSize + i < rows; i++) {
                long offset = (long) b * batchSize + i;
                byte[] value = events.next();
                io.sluice.source.SourceRecord r = io.sluice.source.SourceRecord.of(new ConsumerRecord<>("sensors", 0, offset, ts + offset / 10, null,
                        0, 0, events.key(), value, new org.apache.kafka.common.header.internals.RecordHeaders(),
                        Optional.empty()));
                decoder.decode(r, row);
                tb.add(row);
            }
            batches.add(TableRows.of(tb, tb.columns()));
        }
        System.out.printf("%d rows, %d columns, %d batches of %d, %s%n", rows, batches.get(0).columns().size(),
                batches.size(), batchSize, codec);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        TopicPartition p = new TopicPartition("sensors", 0);
        for (int run = 0; run < runs; run++) {
            Path dir = root.resolve("run" + run);
            ParquetSinkConfig config = (ParquetSinkConfig) spec.sink().config();
            config = new ParquetSinkConfig(new io.sluice.storage.StoreLocation.Local(dir), config.tableTemplate(),
                    config.partitionBy(), config.targetFileSize(), config.commitInterval(), config.compression(), false,
                    Optional.empty());
            System.gc();
            long wall = System.nanoTime();
            long thread = threads.getCurrentThreadCpuTime();
            long process = os.getProcessCpuTime();
            try (ParquetSink sink = ParquetSink.open(config, "bench")) {
                long offset = 0;
                for (int b = 0; b < batches.size(); b++) {
                    offset += batches.get(b).size();
                    sink.write(new Batch(b, List.of(batches.get(b)), List.of(new TablePosition("sensors", p, offset, Optional.empty()))));
                }
                sink.flush();
            }
            double threadS = (threads.getCurrentThreadCpuTime() - thread) / 1e9;
            double processS = (os.getProcessCpuTime() - process) / 1e9;
            double wallS = (System.nanoTime() - wall) / 1e9;
            long bytes;
            try (Stream<Path> s = Files.walk(dir)) {
                bytes = s.filter(f -> f.toString().endsWith(".parquet")).mapToLong(f -> f.toFile().length()).sum();
            }
            double perM = 1e6 / rows;
            System.out.printf("run %d: thread_cpu_s_per_m=%.2f process_cpu_s_per_m=%.2f wall_s=%.2f rows_per_s=%.0f bytes=%d%n",
                    run, threadS * perM, processS * perM, wallS, rows / wallS, bytes);
        }
    }
}
