package io.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.manifest.SourceOptions.MessageFormat;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.pipeline.Stage;
import io.sluice.sink.SinkRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Manifests that must load, and the records they load into. */
class ManifestLoaderTest {
    private static final SinkRegistry SINKS = SinkRegistry.load();

    @Test
    void typedFormatsLoadTheirRegistryAndTheEvolutionPolicy() {
        PipelineSpec p = load("typed-formats.yaml", Map.of("SR_PASSWORD", "s3cret")).pipelines().get(0);
        SourceOptions o = p.source().options();
        assertThat(o.messageFormat()).isEqualTo(MessageFormat.AVRO);
        SchemaOptions s = o.schemas();
        assertThat(s.keyFormat()).isEqualTo(MessageFormat.AVRO);
        assertThat(s.wireFormat()).isEqualTo(SchemaOptions.WireFormat.CONFLUENT);
        assertThat(s.subjects()).isEqualTo(SchemaOptions.SubjectNameStrategy.TOPIC_RECORD);
        RegistrySpec r = s.registry().orElseThrow();
        assertThat(r.urls()).containsExactly(java.net.URI.create("https://sr1:8081"), java.net.URI.create("https://sr2:8081/"));
        assertThat(r.username()).contains("sr-user");
        assertThat(r.password().orElseThrow().reveal()).isEqualTo("s3cret");
        assertThat(r.toString()).doesNotContain("s3cret").contains("****");
        assertThat(r.timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(r.retries()).isEqualTo(2);
        assertThat(p.evolution()).isEqualTo(new EvolutionPolicy(EvolutionPolicy.NewColumn.DISCARD_ROW,
                EvolutionPolicy.Widening.FREEZE, EvolutionPolicy.Breaking.VARIANT));
    }

    @Test
    void minimalManifestGetsTheDocumentedDefaults() {
        Manifest m = load("minimal.yaml", Map.of());

        assertThat(m.file()).isEqualTo("minimal.yaml");
        assertThat(m.pipelines()).hasSize(1);
        PipelineSpec p = m.pipelines().get(0);
        assertThat(p.name()).isEqualTo("orders");

        KafkaConnection c = p.source().connection();
        assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.securityProtocol()).isEmpty();
        assertThat(c.saslMechanism()).isEmpty();
        assertThat(c.saslUsername()).isEmpty();
        assertThat(c.saslPassword()).isEmpty();
        assertThat(c.sslCaLocation()).isEmpty();
        assertThat(c.clientId()).isEqualTo("sluice");
        assertThat(c.properties().values()).isEmpty();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));

        assertThat(p.source().topics()).isEqualTo(new TopicSelection.Named(List.of("orders")));

        SourceOptions o = p.source().options();
        assertThat(o.readMode()).isEqualTo(new ReadMode.ToHighWatermark());
        assertThat(o.resumeFromStored()).isTrue();
        assertThat(o.initial()).isEqualTo(new StartPosition.Earliest());
        assertThat(o.messageFormat()).isEqualTo(MessageFormat.JSON);
        assertThat(o.nested()).isEqualTo(NestedMode.FLATTEN);
        assertThat(o.separator()).isEqualTo("__");
        assertThat(o.batchSize()).isEqualTo(50_000);
        assertThat(o.batchMaxBytes()).isEqualTo(64L << 20);
        assertThat(o.batchTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.onError()).isEqualTo(OnError.FAIL);
        assertThat(o.groupId()).isEmpty();
        assertThat(o.commitToKafka()).isFalse();
        assertThat(o.schemas()).isEqualTo(SchemaOptions.none());
        assertThat(p.evolution()).isEqualTo(EvolutionPolicy.defaults());
        assertThat(o.topicRefresh()).isEqualTo(Duration.ofSeconds(30));

        assertThat(p.sink().type()).isEqualTo("duckdb");
        assertThat(p.sink().config().targetFor("sensor-events.v1")).isEqualTo("sensor_events_v1");
        assertThat(p.sink().config().toString()).contains("path=warehouse.duckdb", "schema=main");
    }

    @Test
    void emptyOptionsMappingMeansDefaults() {
        String text = resource("minimal.yaml").replace("  topics: [orders]\n", "  topics: [orders]\n  options: {}\n");

        SourceOptions o = parse("empty-options.yaml", text, Map.of()).pipelines().get(0).source().options();

        assertThat(o).isEqualTo(load("minimal.yaml", Map.of()).pipelines().get(0).source().options());
    }

    @Test
    void fullManifestSetsEveryOption() {
        PipelineSpec p = load("full.yaml", Map.of()).pipelines().get(0);
        assertThat(p.name()).isEqualTo("orders-eu.v2");

        KafkaConnection c = p.source().connection();
        assertThat(c.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(c.securityProtocol()).contains("SASL_SSL");
        assertThat(c.saslMechanism()).contains("SCRAM-SHA-512");
        assertThat(c.saslUsername()).contains("ingest");
        assertThat(c.saslPassword().map(Secret::reveal)).contains("s3cr3t-Pa55");
        assertThat(c.sslCaLocation()).contains("/etc/ssl/ca.pem");
        assertThat(c.clientId()).isEqualTo("sluice-orders");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.properties().values()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "fetch.min.bytes", "1024", "ssl.truststore.password", "trust-me-123"));

        assertThat(p.source().topics()).isEqualTo(new TopicSelection.Named(List.of("orders.eu", "orders.us")));

        SourceOptions o = p.source().options();
        assertThat(o.readMode()).isEqualTo(new ReadMode.TimeWindow(Instant.parse("2026-01-01T00:00:00Z"),
                Optional.of(Instant.parse("2026-01-02T12:30:00Z"))));
        assertThat(o.resumeFromStored()).isTrue();
        assertThat(o.initial()).isEqualTo(new StartPosition.Latest());
        assertThat(o.messageFormat()).isEqualTo(MessageFormat.JSON);
        assertThat(o.nested()).isEqualTo(NestedMode.STRUCT);
        assertThat(o.separator()).isEqualTo(".");
        assertThat(o.batchSize()).isEqualTo(1_000);
        assertThat(o.batchMaxBytes()).isEqualTo(1_048_576L);
        assertThat(o.batchTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.pollTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(o.onError()).isEqualTo(OnError.SKIP);
        assertThat(o.groupId()).contains("sluice-orders");
        assertThat(o.commitToKafka()).isTrue();
        assertThat(o.topicRefresh()).isEqualTo(Duration.ofMinutes(1));

        assertThat(p.sink().config().targetFor("orders.eu")).isEqualTo("kafka_orders_eu");
        assertThat(p.sink().config().toString()).contains("/data/warehouse.duckdb", "schema=raw", "kafka_{topic}");
    }

    @Test
    void passwordsAreMaskedWhenTheSpecIsPrinted() {
        PipelineSpec p = load("full.yaml", Map.of()).pipelines().get(0);

        String printed = String.valueOf(p);

        assertThat(printed).doesNotContain("s3cr3t-Pa55").doesNotContain("trust-me-123").contains("****");
        assertThat(printed).contains("fetch.min.bytes=1024");
        assertThat(String.valueOf(p.source().connection().saslPassword().orElseThrow())).isEqualTo("****");
    }

    @Test
    void passwordFromConnectionIdIsMaskedToo() {
        Map<String, String> env = Map.of(
                "ANALYTICS_PROD_BOOTSTRAP_SERVERS", "kafka-1.prod:9093",
                "ANALYTICS_PROD_SASL_MECHANISM", "PLAIN",
                "ANALYTICS_PROD_SASL_USERNAME", "svc-sluice",
                "ANALYTICS_PROD_SASL_PASSWORD", "env-pa55word");
        PipelineSpec p = load("connection-id.yaml", env).pipelines().get(0);

        assertThat(String.valueOf(p)).doesNotContain("env-pa55word").contains("****");
    }

    @Test
    void twoPipelinesLoadInFileOrder() {
        Manifest m = load("pipelines.yaml", Map.of());

        assertThat(m.pipelines()).extracting(PipelineSpec::name).containsExactly("orders", "clicks");

        PipelineSpec orders = m.pipeline("orders").orElseThrow();
        assertThat(orders.source().options().readMode()).isEqualTo(new ReadMode.MaxRecords(10_000));
        assertThat(orders.source().options().resumeFromStored()).isFalse();
        assertThat(orders.source().options().initial())
                .isEqualTo(new StartPosition.AtTimestamp(Instant.parse("2026-03-01T00:00:00Z")));
        assertThat(orders.sink().config().targetFor("anything")).isEqualTo("orders");

        PipelineSpec clicks = m.pipeline("clicks").orElseThrow();
        assertThat(clicks.source().options().readMode()).isEqualTo(new ReadMode.Continuous());
        assertThat(clicks.source().options().readMode().bounded()).isFalse();
        assertThat(clicks.source().options().resumeFromStored()).isFalse();
        assertThat(clicks.source().options().initial()).isEqualTo(new StartPosition.Latest());
        assertThat(clicks.source().options().nested()).isEqualTo(NestedMode.JSON);
        TopicSelection regex = clicks.source().topics();
        assertThat(regex).isInstanceOf(TopicSelection.Matching.class);
        assertThat(regex.toString()).isEqualTo("/clicks\\.(eu|us)/");
        assertThat(regex.matches("clicks.eu")).isTrue();
        assertThat(regex.matches("clicks.us")).isTrue();
        assertThat(regex.matches("clicks.eu.dlq")).as("the whole name must match").isFalse();
        assertThat(regex.matches("clicks_eu")).isFalse();

        assertThat(m.pipeline("missing")).isEmpty();
    }

    @Test
    void environmentVariablesAndDefaultsAreExpanded() {
        Map<String, String> env = Map.of(
                "KAFKA_HOST", "kafka.internal",
                "KAFKA_USER", "svc",
                "KAFKA_PASSWORD", "pw-from-env",
                "TOPIC_PREFIX", "",
                "WAREHOUSE", "/var/lib/sluice/dw.duckdb");
        PipelineSpec p = load("env-expansion.yaml", env).pipelines().get(0);

        assertThat(p.name()).as("default when unset").isEqualTo("orders");
        KafkaConnection c = p.source().connection();
        assertThat(c.bootstrapServers()).isEqualTo("kafka.internal:9092");
        assertThat(c.clientId()).isEqualTo("sluice-dev");
        assertThat(c.saslUsername()).contains("svc");
        assertThat(c.saslPassword().map(Secret::reveal)).contains("pw-from-env");
        assertThat(c.properties().values()).containsEntry("client.rack", "rack-${ZONE}");
        assertThat(p.source().topics()).isEqualTo(new TopicSelection.Named(List.of("orders")));
        assertThat(p.sink().config().toString()).contains("/var/lib/sluice/dw.duckdb");
    }

    @Test
    void setVariablesWinOverDefaults() {
        Map<String, String> env = Map.of(
                "PIPELINE_NAME", "orders-from-env",
                "KAFKA_HOST", "h",
                "KAFKA_PORT", "19092",
                "CLIENT_ID", "cid",
                "KAFKA_USER", "u",
                "KAFKA_PASSWORD", "p",
                "TOPIC_PREFIX", "eu.");
        PipelineSpec p = load("env-expansion.yaml", env).pipelines().get(0);

        assertThat(p.name()).isEqualTo("orders-from-env");
        assertThat(p.source().connection().bootstrapServers()).isEqualTo("h:19092");
        assertThat(p.source().connection().clientId()).isEqualTo("cid");
        assertThat(p.source().topics()).isEqualTo(new TopicSelection.Named(List.of("eu.orders")));
        assertThat(p.sink().config().toString()).contains("warehouse.duckdb");
    }

    @Test
    void everyUnsetVariableIsReported() {
        ManifestException e = catchThrowableOfType(ManifestException.class,
                () -> load("env-expansion.yaml", Map.of("KAFKA_HOST", "h")));

        assertThat(e.stage()).isEqualTo(Stage.MANIFEST);
        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "env-expansion.yaml:8: source.connection.sasl_username: environment variable KAFKA_USER is not set"
                        + " (use ${KAFKA_USER:-default} to give a default)",
                "env-expansion.yaml:9: source.connection.sasl_password: environment variable KAFKA_PASSWORD is not set"
                        + " (use ${KAFKA_PASSWORD:-default} to give a default)",
                "env-expansion.yaml:12: source.topics: environment variable TOPIC_PREFIX is not set"
                        + " (use ${TOPIC_PREFIX:-default} to give a default)");
        assertThat(e.getMessage()).startsWith("invalid manifest (3 problems):\n  env-expansion.yaml:8: ");
    }

    @Test
    void connectionIdReadsTheClusterFromPrefixedVariables() {
        Map<String, String> env = Map.of(
                "ANALYTICS_PROD_BOOTSTRAP_SERVERS", "kafka-1.prod:9093,kafka-2.prod:9093",
                "ANALYTICS_PROD_SECURITY_PROTOCOL", "SASL_SSL",
                "ANALYTICS_PROD_SASL_MECHANISM", "SCRAM-SHA-256",
                "ANALYTICS_PROD_SASL_USERNAME", "svc-sluice",
                "ANALYTICS_PROD_SASL_PASSWORD", "env-pa55word",
                "ANALYTICS_PROD_SSL_CA_LOCATION", "/etc/prod-ca.pem",
                "ANALYTICS_PROD_CLIENT_ID", "sluice-prod",
                "OTHER_BOOTSTRAP_SERVERS", "wrong:9092");
        KafkaConnection c = load("connection-id.yaml", env).pipelines().get(0).source().connection();

        assertThat(c.bootstrapServers()).isEqualTo("kafka-1.prod:9093,kafka-2.prod:9093");
        assertThat(c.securityProtocol()).contains("SASL_SSL");
        assertThat(c.saslMechanism()).contains("SCRAM-SHA-256");
        assertThat(c.saslUsername()).contains("svc-sluice");
        assertThat(c.saslPassword().map(Secret::reveal)).contains("env-pa55word");
        assertThat(c.sslCaLocation()).contains("/etc/prod-ca.pem");
        assertThat(c.clientId()).isEqualTo("sluice-prod");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void connectionIdNeedsOnlyTheBootstrapServers() {
        KafkaConnection c = load("connection-id.yaml", Map.of("ANALYTICS_PROD_BOOTSTRAP_SERVERS", "k:9092"))
                .pipelines().get(0).source().connection();

        assertThat(c.bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.securityProtocol()).isEmpty();
        assertThat(c.saslMechanism()).isEmpty();
        assertThat(c.saslPassword()).isEmpty();
        assertThat(c.clientId()).isEqualTo("sluice");
    }

    @Test
    void lowerCaseSecurityWordsAreAcceptedAndNormalised() {
        String text = resource("minimal.yaml").replace("    bootstrap_servers: localhost:9092\n",
                "    bootstrap_servers: localhost:9092\n    security_protocol: sasl_plaintext\n"
                        + "    sasl_mechanism: scram-sha-256\n    sasl_username: u\n    sasl_password: p\n");
        KafkaConnection c = parse("lower.yaml", text, Map.of()).pipelines().get(0).source().connection();

        assertThat(c.securityProtocol()).contains("SASL_PLAINTEXT");
        assertThat(c.saslMechanism()).contains("SCRAM-SHA-256");
    }

    @Test
    void singleTopicMayBeAScalar() {
        String text = resource("minimal.yaml").replace("topics: [orders]", "topics: orders");
        TopicSelection t = parse("scalar-topic.yaml", text, Map.of()).pipelines().get(0).source().topics();

        assertThat(t).isEqualTo(new TopicSelection.Named(List.of("orders")));
        assertThat(t.toString()).isEqualTo("orders");
    }

    @Test
    void dateOnlyTimeWindowStartsAtUtcMidnightAndToIsOptional() {
        String text = resource("minimal.yaml").replace("  topics: [orders]\n",
                "  topics: [orders]\n  options:\n    read_mode: time_window\n    time_window: {from: 2026-01-15}\n");
        ReadMode mode = parse("window.yaml", text, Map.of()).pipelines().get(0).source().options().readMode();

        assertThat(mode).isEqualTo(new ReadMode.TimeWindow(Instant.parse("2026-01-15T00:00:00Z"), Optional.empty()));
        assertThat(mode.bounded()).isTrue();
    }

    @Test
    void schemaMaxColumnsLoadsAndIsBounded() {
        String text = resource("minimal.yaml") + "schema:\n  max_columns: 250\n";
        assertThat(parse("wide.yaml", text, Map.of()).pipelines().get(0).evolution())
                .isEqualTo(new EvolutionPolicy(EvolutionPolicy.NewColumn.EVOLVE, EvolutionPolicy.Widening.EVOLVE,
                        EvolutionPolicy.Breaking.FAIL, 250));
        assertThat(load("minimal.yaml", Map.of()).pipelines().get(0).evolution().maxColumns())
                .isEqualTo(EvolutionPolicy.DEFAULT_MAX_COLUMNS);
        ManifestException e = catchThrowableOfType(ManifestException.class,
                () -> parse("wide.yaml", resource("minimal.yaml") + "schema:\n  max_columns: 0\n", Map.of()));
        assertThat(e.problems()).extracting(Problem::toString).singleElement().asString()
                .endsWith("schema.max_columns: \"0\" is out of range (allowed: 1 to 100000)");
    }

    @Test
    void aDponeKafkaSourceLoadsItsConnectionTopicGroupAndRegistryFromTheConnectionId() {
        String text = """
                name: orders_events
                source:
                  type: kafka
                  connection_id: kafka_cluster
                  connection_type: vault
                  topic: orders_events
                  options:
                    group_id: dpone.orders.batch
                    offset_storage: dpone
                    message_format: avro
                    envelope: auto
                    poll_timeout_ms: 1000
                    max_empty_polls: 3
                sink: {type: duckdb}
                """;
        Manifest m = parse("dpone.yaml", text, Map.of("KAFKA_CLUSTER_BOOTSTRAP_SERVERS", "k:9092",
                "KAFKA_CLUSTER_SCHEMA_REGISTRY_URL", "http://sr:8081", "KAFKA_CLUSTER_SCHEMA_REGISTRY_USERNAME", "u",
                "KAFKA_CLUSTER_SCHEMA_REGISTRY_PASSWORD", "p"));
        SourceSpec s = m.pipelines().get(0).source();
        assertThat(s.connection().bootstrapServers()).isEqualTo("k:9092");
        assertThat(s.topics()).isEqualTo(new TopicSelection.Named(List.of("orders_events")));
        assertThat(s.options().groupId()).contains("dpone.orders.batch");
        assertThat(s.options().pollTimeout()).isEqualTo(Duration.ofMillis(1000));
        RegistrySpec r = s.options().schemas().registry().orElseThrow();
        assertThat(r.urls()).containsExactly(java.net.URI.create("http://sr:8081"));
        assertThat(r.username()).contains("u");
        assertThat(r.password().map(Secret::reveal)).contains("p");
        assertThat(m.warnings()).extracting(Problem::path).containsExactly("source.options.offset_storage",
                "source.options.envelope", "source.options.max_empty_polls", "source.connection_type");
    }

    @Test
    void aRegistryUrlInTheOptionsWinsOverTheConnectionIdsAndBringsItsOwnCredentials() {
        String text = """
                name: o
                source:
                  type: kafka
                  connection_id: kafka_cluster
                  topic: o
                  options: {message_format: avro, schema_registry_url: "http://mine:8081"}
                sink: {type: duckdb}
                """;
        RegistrySpec r = parse("o.yaml", text, Map.of("KAFKA_CLUSTER_BOOTSTRAP_SERVERS", "k:9092",
                "KAFKA_CLUSTER_SCHEMA_REGISTRY_URL", "http://sr:8081", "KAFKA_CLUSTER_SCHEMA_REGISTRY_USERNAME", "u",
                "KAFKA_CLUSTER_SCHEMA_REGISTRY_PASSWORD", "p")).pipelines().get(0).source().options().schemas().registry().orElseThrow();
        assertThat(r.urls()).containsExactly(java.net.URI.create("http://mine:8081"));
        assertThat(r.username()).isEmpty();
    }

    private static Manifest load(String name, Map<String, String> env) {
        return parse(name, resource(name), env);
    }

    private static Manifest parse(String name, String text, Map<String, String> env) {
        return new ManifestLoader(env, SINKS).parse(name, text);
    }

    private static String resource(String name) {
        try (InputStream in = ManifestLoaderTest.class.getResourceAsStream("/manifests/valid/" + name)) {
            assertThat(in).as("test resource manifests/valid/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
