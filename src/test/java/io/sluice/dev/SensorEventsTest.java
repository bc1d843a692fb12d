package io.sluice.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SensorEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2024-03-01T08:00:00Z");
    private static final int N = 10_000;

    private static List<byte[]> generate(long seed, Instant start, long stepMicros, int n) {
        SensorEvents events = new SensorEvents(seed, 50, start, stepMicros);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(events.next());
        }
        return out;
    }

    @Test
    void theSameSeedAndStartGiveTheSameEventsByteForByte() {
        List<byte[]> a = generate(42, START, 10_000, 1000);
        List<byte[]> b = generate(42, START, 10_000, 1000);
        List<byte[]> otherSeed = generate(43, START, 10_000, 1000);

        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("event %d", i).isEqualTo(b.get(i));
        }
        assertThat(a.get(0)).isNotEqualTo(otherSeed.get(0));
    }

    @Test
    void everyEventIsJsonWithTheDocumentedFieldsAndKeyedByItsMachine() throws Exception {
        SensorEvents events = new SensorEvents(1, 50, START, 10_000);
        Set<String> machines = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            byte[] value = events.next();
            JsonNode e = JSON.readTree(value);
            String machine = e.path("machine_id").asText();
            assertThat(machine).as("event %d", i).matches("M-00[0-5]\\d");
            assertThat(new String(events.key(), StandardCharsets.UTF_8)).as("key of event %d", i).isEqualTo(machine);
            assertThat(e.path("sequence").asLong()).isEqualTo(i);
            assertThat(e.path("readings").path("temperature").isNumber()).isTrue();
            assertThat(e.path("readings").path("rpm").isInt()).isTrue();
            assertThat(e.path("location").path("plant").asText()).startsWith("PLANT-");
            assertThat(e.path("location").path("latitude").isNumber()).isTrue();
            assertThat(e.path("status").asText()).isIn("RUNNING", "IDLE", "WARMUP", "ALERT");
            assertThat(e.path("quality_score").asDouble()).isBetween(0.9, 1.0);
            assertThat(e.has("alert")).as("an alert goes with status ALERT").isEqualTo(e.path("status").asText().equals("ALERT"));
            machines.add(machine);
            eventIds.add(e.path("event_id").asText());
        }
        assertThat(machines).hasSize(50);
        assertThat(eventIds).hasSize(2000).allMatch(id -> id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void eventTimeAdvancesByTheStepFromTheStart() throws Exception {
        Instant start = Instant.parse("2024-12-31T23:59:59.990Z");
        SensorEvents events = new SensorEvents(5, 50, start, 250_000);

        for (int i = 0; i < 20; i++) {
            JsonNode e = JSON.readTree(events.next());
            assertThat(Instant.parse(e.path("event_time").asText())).as("event %d", i).isEqualTo(start.plusMillis(250L * i));
        }
        assertThat(JSON.readTree(generate(5, start, 10_000, 1).get(0)).path("event_time").asText()).isEqualTo("2024-12-31T23:59:59.990Z");
    }

    @Test
    void eventsAverageFourToSixHundredBytesAndOptionalFieldsAppearAtTheirRates() throws Exception {
        long bytes = 0;
        int alerts = 0;
        int operators = 0;
        int maintenance = 0;
        int tags = 0;
        for (byte[] value : generate(99, START, 10_000, N)) {
            bytes += value.length;
            JsonNode e = JSON.readTree(value);
            alerts += e.has("alert") ? 1 : 0;
            operators += e.has("operator_id") ? 1 : 0;
            maintenance += e.has("maintenance") ? 1 : 0;
            tags += e.has("tags") ? 1 : 0;
            if (e.has("tags")) {
                assertThat(e.get("tags").size()).isEqualTo(2);
            }
        }
        assertThat(bytes / (double) N).as("average event size").isBetween(400.0, 600.0);
        // alerts 4 %, an operator 15 %, maintenance 3 %, tags 10 %; 10k events put each well within 1.5 points
        assertThat(alerts / (double) N).as("share with an alert").isCloseTo(0.04, within(0.015));
        assertThat(operators / (double) N).as("share with an operator").isCloseTo(0.15, within(0.015));
        assertThat(maintenance / (double) N).as("share with maintenance").isCloseTo(0.03, within(0.015));
        assertThat(tags / (double) N).as("share with tags").isCloseTo(0.10, within(0.015));
    }
}
