package io.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Sluice;
import io.sluice.it.TestBroker;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.SinkSpec;
import io.sluice.sink.Sink;
import io.sluice.sink.SinkConfig;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.SinkRegistry;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.source.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition that feeds several tables of a sink committing table by table: reading starts at the lowest of their
 * positions, and a table already holding rows past it does not get them again. The second table stands for what
 * routing and quarantine tables will add; here a config that declares it ({@link SinkConfig#tablesFor}) while every
 * row goes to the first. Real broker, the real Parquet sink, files read back by DuckDB.
 */
class TablesAheadIT {
    @TempDir
    Path dir;

    /** The manifest's config, with one more table the records of every topic feed. */
    private record WithSideTable(SinkConfig config, String side) implements SinkConfig {
        @Override
        public String targetFor(String topic) {
            return config.targetFor(topic);
        }

        @Override
        public Set<String> tablesFor(String topic) {
            return Set.of(config.targetFor(topic), side);
        }
    }

    private RunProgress run(PipelineSpec spec, SinkConfig real) {
        SinkProvider provider = SinkRegistry.load().provider("parquet").orElseThrow();
        Sink sink = provider.open(real, spec.name());
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(spec.source().connection(), spec.source().options())) {
            return new PipelineRunner(spec, sink, consumer, new RunListener() {}, new StopSignal()).run();
        } finally {
            sink.close();
        }
    }

    @Test
    void rowsATableAlreadyHoldsAreDroppedAndEveryTableEndsAtTheSamePosition() throws Exception {
        String topic = Sluice.unique("ahead").replace('-', '_');
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 200, i -> "{\"i\":" + i + "}");
        Path m = dir.resolve("p.yaml");
        Files.writeString(m, """
                name: ahead
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 10000}
                  topics: [%s]
                sink: {type: parquet, path: "%s", table: "{topic}"}
                """.formatted(TestBroker.bootstrap(), topic, dir.resolve("lake")));
        PipelineSpec spec = new ManifestLoader(Map.of(), SinkRegistry.load()).load(m).pipelines().get(0);
        SinkConfig real = spec.sink().config();
        assertThat(run(spec, real).written()).isEqualTo(200);

        // the side table lags: as if the run that committed the first table to 200 died before committing it past 100
        TopicPartition p0 = new TopicPartition(topic, 0);
        SinkProvider provider = SinkRegistry.load().provider("parquet").orElseThrow();
        Sink sink = provider.open(real, "ahead");
        try {
            sink.storePositions(List.of(new TablePosition("side", p0, 100, Optional.empty())));
        } finally {
            sink.close();
        }
        TestBroker.produceJson(topic, 1, 100, i -> "{\"i\":" + (200 + i) + "}");

        PipelineSpec routed = new PipelineSpec(spec.name(), spec.source(), new SinkSpec("parquet", new WithSideTable(real, "side")),
                spec.evolution());
        RunProgress second = run(routed, real);
        assertThat(second.read()).as("reading starts at the side table's 100").isEqualTo(200);
        assertThat(second.skipped()).as("100-199 are in the first table already").isEqualTo(100);
        assertThat(second.written()).isEqualTo(100);

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT _kafka_offset), min(i), max(i) FROM read_parquet('"
                        + dir.resolve("lake").resolve(topic) + "/**/*.parquet')")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).containsExactly(300L, 300L, 0L, 299L);
        }
        Map<String, Long> ends = new TreeMap<>();
        for (StoredPosition s : provider.readPositions(real, "ahead")) {
            ends.put(s.position().table(), s.position().nextOffset());
        }
        assertThat(ends).containsExactlyInAnyOrderEntriesOf(Map.of(topic, 300L, "side", 300L));
    }
}
