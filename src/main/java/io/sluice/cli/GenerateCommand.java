package io.sluice.cli;

import io.sluice.dev.GenerateSpec;
import io.sluice.dev.Generator;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.SourceOptions.MessageFormat;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "generate", description = "Produces realistic IoT sensor events (nested JSON, or Avro, Protobuf or JSON Schema"
        + " through the schema registry) to a topic.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"-b", "--bootstrap-servers"}, defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka to produce to (default: $KAFKA_BOOTSTRAP_SERVERS when set, else localhost:9092).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "sensor-events", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--count", defaultValue = "100000", description = "Number of events (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--rate", defaultValue = "0", description = "Events per second; 0 means as fast as possible (default).")
    double rate;

    @Option(names = "--partitions", defaultValue = "4",
            description = "Partitions when the topic has to be created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed and --start give the same events.")
    long seed;

    @Option(names = "--start", description = "Event time of the first event, ISO-8601 (default: now).")
    Instant start;

    @Option(names = "--timeout", defaultValue = "10", description = "Seconds to try reaching Kafka (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--format", defaultValue = "json",
            description = "Message format: json, avro, protobuf or json_schema (default: ${DEFAULT-VALUE}). The last three"
                    + " register the sensor event schema under <topic>-value and frame values for the registry.")
    String format;

    @Option(names = "--schema-registry", defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "Schema Registry URL for avro, protobuf and json_schema (default: $SCHEMA_REGISTRY_URL when set, else"
                    + " http://localhost:8081).")
    String registryUrl;

    @Option(names = "--subject-name-strategy", defaultValue = "topic",
            description = "topic (<topic>-value, default), record (io.sluice.sample.SensorEvent) or topic_record.")
    String subjectStrategy;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (count < 0 || rate < 0 || partitions < 1 || timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--count and --rate must be >= 0, --partitions and --timeout >= 1");
        }
        MessageFormat f = SampleFormats.parse(spec, format);
        Optional<RegistrySpec> registry = Optional.empty();
        if (f != MessageFormat.JSON) {
            try {
                java.net.URI u = new java.net.URI(registryUrl);
                if (u.getHost() == null || u.getUserInfo() != null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                    throw new java.net.URISyntaxException(registryUrl, "not an http(s) URL");
                }
                registry = Optional.of(RegistrySpec.of(registryUrl).withRetries(1));
            } catch (java.net.URISyntaxException e) {
                throw new ParameterException(spec.commandLine(), "--schema-registry must be an http(s) URL without credentials,"
                        + " such as http://localhost:8081");
            }
        }
        io.sluice.manifest.SchemaOptions.SubjectNameStrategy subjects = switch (subjectStrategy) {
            case "topic" -> io.sluice.manifest.SchemaOptions.SubjectNameStrategy.TOPIC;
            case "record" -> io.sluice.manifest.SchemaOptions.SubjectNameStrategy.RECORD;
            case "topic_record" -> io.sluice.manifest.SchemaOptions.SubjectNameStrategy.TOPIC_RECORD;
            default -> throw new ParameterException(spec.commandLine(), "--subject-name-strategy must be topic, record or"
                    + " topic_record (got " + subjectStrategy + ")");
        };
        PrintWriter err = spec.commandLine().getErr();
        GenerateSpec g = new GenerateSpec(bootstrap, topic, count, rate, partitions, seed,
                start != null ? start : Instant.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofSeconds(timeoutSeconds), f, registry, subjects);
        Generator.Result r = Generator.run(g, msg -> {
            err.println(msg);
            err.flush();
        });
        PrintWriter out = spec.commandLine().getOut();
        out.printf("generated %s (%s, %.1f MB) to %s (%s) at %s in %.1f s, %.0f events/s%n",
                io.sluice.pipeline.Words.count(r.events(), "sensor event"), format, r.bytes() / 1e6, r.topic(),
                io.sluice.pipeline.Words.count(r.partitions(), "partition"), bootstrap, r.elapsedNanos() / 1e9, r.eventsPerSecond());
        out.flush();
        return ExitCodes.OK;
    }
}
