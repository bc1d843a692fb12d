package io.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.manifest.ClientProperties;
import io.sluice.manifest.KafkaConnection;
import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestLoader;
import io.sluice.sink.SinkRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    @Test
    void passThroughPropertiesNeverChangeWhatExactlyOnceRestsOn() {
        // the manifest refuses these keys; a connection built another way still cannot change them
        KafkaConnection c = new KafkaConnection("localhost:9092", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), "sluice", new ClientProperties(Map.of("isolation.level", "read_uncommitted",
                "enable.auto.commit", "true", "auto.offset.reset", "latest", "max.poll.records", "7")), Duration.ofSeconds(5));
        Manifest m = new ManifestLoader(Map.of(), SinkRegistry.load()).parse("m.yaml",
                "name: x\nsource: {type: kafka, connection: {bootstrap_servers: h:1}, topics: [t]}\nsink: {type: duckdb}\n");
        Properties p = KafkaClients.consumerProperties(c, m.pipelines().get(0).source().options());
        assertThat(p).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "none")
                .as("tuning properties stay the user's").containsEntry("max.poll.records", "7");
    }
}
