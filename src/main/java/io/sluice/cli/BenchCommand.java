package io.sluice.cli;

import io.sluice.bench.BenchSink;
import io.sluice.bench.BenchSpec;
import io.sluice.bench.Benchmark;
import io.sluice.dev.Installation;
import io.sluice.dev.LocalBroker;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Measures `sluice run` into DuckDB (or Parquet, or Delta Lake) against a plain KafkaConsumer on the same fresh"
        + " topic: records/s, CPU seconds per 1M records and peak RSS of each. The last line is: ratio=<pipeline/ceiling>"
        + " pipeline_rps=<n> ceiling_rps=<n> pipeline_cpu_s_per_m=<x> ceiling_cpu_s_per_m=<x> peak_rss_mb=<pipeline's>")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    DevOptions dev;

    @Option(names = {"-b", "--bootstrap-servers"},
            description = "Benchmark against this Kafka instead of the local dev broker (which is started, and stopped afterwards, when not running).")
    String bootstrap;

    @Option(names = "--count", defaultValue = "1000000", description = "Sensor events to produce (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the fresh topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--batch-size", defaultValue = "50000", description = "The pipeline's batch_size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--java-opts", defaultValue = "-Xmx1g -XX:+UseSerialGC", description = "JVM options of both measured processes (default: ${DEFAULT-VALUE}).")
    String javaOpts;

    @Option(names = "--keep", description = "Keep the topic and what the sink wrote.")
    boolean keep;

    // the planned --s3 (Parquet into a bucket) becomes a component of BenchSink.Parquet; nothing else here changes
    @Option(names = "--sink", defaultValue = "duckdb", description = "The pipeline's sink: duckdb, parquet or delta (default: ${DEFAULT-VALUE}).")
    String sink;

    @Option(names = "--format", defaultValue = "json", description = "Message format: json, avro, protobuf or json_schema"
            + " (default: ${DEFAULT-VALUE}); registry formats run a dev schema registry inside the benchmark.")
    String format;

    @Option(names = "--sink-option", paramLabel = "KEY=VALUE", description = "A key of the pipeline's sink: section, e.g."
            + " --sink-option commit_rows=50000 (repeatable); the benchmark's own keys (type, path, table) stay.")
    java.util.LinkedHashMap<String, String> sinkOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        io.sluice.manifest.SourceOptions.MessageFormat f = SampleFormats.parse(spec, format);
        BenchSink target = BenchSink.parse(sink).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--sink must be duckdb or parquet (got " + sink + ")"));
        LocalBroker broker = null;
        String servers = bootstrap;
        if (servers == null) {
            LocalBroker local = new LocalBroker(dev.settings(), Installation.current());
            LocalBroker.Available kafka = local.ensure(msg -> {
                err.println(msg);
                err.flush();
            });
            servers = kafka.bootstrap();
            broker = kafka.startedHere() ? local : null;
        }
        try {
            Benchmark.Report r = new Benchmark(Installation.current()).run(new BenchSpec(servers, count, partitions, batchSize,
                    Arrays.stream(javaOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(), keep, f, target,
                    sinkOptions == null ? java.util.Map.of() : sinkOptions), msg -> {
                        out.println(msg);
                        out.flush();
                    });
            out.printf("cores=%d records=%d bytes_per_record=%d ceiling_peak_rss_mb=%d pipeline_peak_rss_mb=%d%n",
                    Runtime.getRuntime().availableProcessors(), r.records(), r.bytes() / Math.max(1, r.records()),
                    megabytes(r.ceiling().peakRssBytes()), megabytes(r.pipeline().peakRssBytes()));
            out.println(r.lastLine());
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (broker != null) {
                broker.down(msg -> {});
            }
        }
    }

    private static long megabytes(long bytes) {
        return bytes < 0 ? -1 : bytes >> 20;
    }
}
