package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests written for the tools Sluice replaces, and the hints of validate and plan, through bin/sluice: a dpone
 * Kafka source runs against the real broker with one warning per key that means nothing here; plan says when a
 * regex matches nothing and what to do when no broker answers; validate refuses consumer properties Sluice owns.
 */
class OtherToolsManifestsIT {
    @TempDir
    Path dir;

    @Test
    void aDponeKafkaSourceRunsWithOneWarningPerKeyAndLandsEveryRecord() {
        String topic = Sluice.unique("orders_events");
        TestBroker.createTopic(topic, 3);
        TestBroker.produceJson(topic, 3, 120, i -> "{\"order_id\":" + i + ",\"amount\":" + (i * 1.5) + "}");
        Path m = Sluice.manifest(dir, """
                name: orders_events
                source:
                  type: kafka
                  connection_id: kafka_cluster
                  connection_type: vault
                  topic: %s
                  options:
                    group_id: dpone.orders.batch
                    read_mode: offsets
                    offset_storage: dpone
                    start_from: stored
                    message_format: json
                    envelope: auto
                    batch_size: 50
                    poll_timeout_ms: 1000
                    max_empty_polls: 3
                sink:
                  type: duckdb
                  path: warehouse.duckdb
                  table: orders
                """.formatted(topic));
        Map<String, String> env = Map.of("KAFKA_CLUSTER_BOOTSTRAP_SERVERS", TestBroker.bootstrap());

        Sluice.Result r = Sluice.run(dir, env, "run", m.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("read 120, written 120")
                .contains("warning: " + m + ":5: source.connection_type: has no meaning in Sluice: connection_id reads"
                        + " environment variables only")
                .contains("source.options.offset_storage: has no meaning in Sluice")
                .contains("source.options.envelope: has no meaning in Sluice")
                .contains("source.options.max_empty_polls: has no meaning in Sluice");
        assertThat(r.stderr().split("has no meaning in Sluice", -1)).as(r.stderr()).hasSize(5);
        assertThat(Sluice.queryLong(dir.resolve("warehouse.duckdb"),
                "select count(distinct (_kafka_partition, _kafka_offset)) from orders where order_id is not null")).isEqualTo(120);

        Sluice.Result again = Sluice.run(dir, env, "run", m.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.stderr()).as("offsets stored in the sink, as offset_storage: dpone did").contains("read 0, written 0");
    }

    @Test
    void planSaysWhenTheRegexMatchesNoTopic() {
        String prefix = Sluice.unique("nomatch");
        TestBroker.createTopic(prefix + ".orders", 1);
        Path m = Sluice.manifest(dir, Manifests.duckdb("nomatch", "topics_regex: \"orders\"", "{}", "{topic}"));
        Sluice.Result r = Sluice.run(dir, Map.of(), "plan", m.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("warning: source.topics_regex \"orders\" matches no topic; the cluster has ")
                .contains("(the regex must match the whole name: ")
                .contains("\".*orders.*\" would select")
                .contains("; nothing will be read");
        assertThat(r.stdout()).contains("records to read (at most): 0");
    }

    @Test
    void planAgainstABrokerThatIsDownHintsAtDevUp() {
        int port = Sluice.freePorts(1)[0];
        Path m = Sluice.manifest(dir, """
                name: down
                source:
                  type: kafka
                  connection: {bootstrap_servers: "localhost:%d", timeout_ms: 1500}
                  topics: [t]
                sink: {type: duckdb, path: warehouse.duckdb}
                """.formatted(port));
        Sluice.Result r = Sluice.run(dir, Map.of(), "plan", m.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("sluice: cannot reach Kafka at localhost:" + port + ": could not list topics within"
                + " 1500 ms (source.connection.timeout_ms); is it running? `sluice dev up` starts a local broker");
    }

    @Test
    void validateRefusesEveryPropertySluiceOwnsAndExitsTwo() {
        Path m = Sluice.manifest(dir, """
                name: owned
                source:
                  type: kafka
                  connection:
                    bootstrap_servers: localhost:9092
                    sasl_password: pw
                    properties: {isolation.level: read_uncommitted, enable.auto.commit: true, max.poll.records: 10}
                  topics: [t]
                sink: {type: duckdb}
                """);
        Sluice.Result r = Sluice.run(dir, Map.of(), "validate", m.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("invalid manifest (2 problems)")
                .contains(m + ":7: source.connection.properties.isolation.level: cannot be set in properties: Sluice"
                        + " always reads committed records only (read_committed)")
                .contains(m + ":7: source.connection.properties.enable.auto.commit: cannot be set in properties")
                .contains("warning: " + m + ":6: source.connection.sasl_password: is not used: security_protocol is"
                        + " PLAINTEXT (the default)")
                .doesNotContain("max.poll.records");
    }
}
