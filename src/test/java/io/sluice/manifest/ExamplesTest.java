package io.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sink.SinkRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests under {@code examples/} load without problems or warnings, and are independent of each other: no two
 * read the same topic into the same place, and the regex example cannot match what the quickstart produces.
 */
class ExamplesTest {
    private static final SinkRegistry SINKS = SinkRegistry.load();
    private static final List<String> FORMATS = List.of("avro", "protobuf", "json_schema");
    /** What `quickstart` (every format) and the README's steps for sensor_events.yaml produce. */
    private static final List<String> TOPICS = List.of("sensor-events", "sensor-events-avro", "sensor-events-protobuf",
            "sensor-events-json_schema", "sensors.line-1", "sensors.line-2");

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Every example pipeline as `quickstart --format F` (or the user) would load it, for each registry format. */
    private static List<PipelineSpec> pipelines() throws IOException {
        List<PipelineSpec> out = new ArrayList<>();
        for (Path f : examples()) {
            for (String format : f.toString().contains("registry") ? FORMATS : List.of("json")) {
                Manifest m = new ManifestLoader(Map.of("SLUICE_FORMAT", format), SINKS).load(f);
                assertThat(m.warnings()).as("warnings of " + f).isEmpty();
                out.addAll(m.pipelines());
            }
        }
        return out;
    }

    @Test
    void everyExampleValidates() throws IOException {
        assertThat(examples()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(pipelines()).isNotEmpty();
    }

    @Test
    void theRegexExampleMatchesNoQuickstartTopic() throws IOException {
        Manifest m = new ManifestLoader(Map.of(), SINKS).load(Path.of("examples/sensor_events.yaml"));
        TopicSelection topics = m.pipelines().get(0).source().topics();
        assertThat(TOPICS.stream().filter(topics::matches)).containsExactly("sensors.line-1", "sensors.line-2");
        assertThat(m.pipelines().get(0).sink().config().location()).doesNotContain("warehouse.duckdb");
    }

    @Test
    void noTwoExamplesWriteOneTopicOrOneTable() throws IOException {
        Map<String, String> readBy = new HashMap<>();
        Map<String, String> tableOf = new HashMap<>();
        for (PipelineSpec p : pipelines()) {
            for (String t : TOPICS) {
                if (!p.source().topics().matches(t)) {
                    continue;
                }
                assertThat(readBy.put(t, p.name())).as("topic " + t + " is read by two examples").isNull();
                String target = p.sink().config().location() + " " + p.sink().config().targetFor(t);
                String other = tableOf.put(target, p.name());
                assertThat(other == null || other.equals(p.name())).as(target + " is written by " + other + " and "
                        + p.name()).isTrue();
            }
        }
        assertThat(readBy).as("every quickstart topic is read by some example").containsKeys("sensor-events",
                "sensor-events-avro", "sensors.line-1");
    }
}
