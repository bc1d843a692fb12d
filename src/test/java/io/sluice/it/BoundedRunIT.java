package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/sluice as a separate process against the real broker: bounded runs into DuckDB. */
class BoundedRunIT {
    @TempDir
    Path dir;

    private String manifest(String topicLine, String extraOptions) {
        return """
                name: %s
                source:
                  type: kafka
                  connection:
                    bootstrap_servers: ${BOOTSTRAP}
                  %s
                  options:
                    batch_size: 1000
                %s
                sink:
                  type: duckdb
                  path: warehouse.duckdb
                  table: "{topic}"
                """.formatted(Sluice.unique("p"), topicLine, extraOptions);
    }

    @Test
    void boundedRunOfThreePartitionsLandsEveryRecordOnceAndResumes() {
        String topic = Sluice.unique("sensor-events");
        TestBroker.createTopic(topic, 3);
        TestBroker.produceJson(topic, 3, 3000, i -> "{\"id\":" + i + ",\"machine\":{\"id\":\"m" + (i % 7)
                + "\",\"site\":\"s1\"},\"temperature\":" + (20 + i % 10) + ".5,\"tags\":[\"a\",\"b\"]}");
        Path m = Sluice.manifest(dir, manifest("topics: [" + topic + "]", ""));
        Map<String, String> env = Map.of("BOOTSTRAP", TestBroker.bootstrap());

        Sluice.Result first = Sluice.run(dir, env, "run", m.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.stderr()).contains("read 3000, written 3000, skipped 0");
        Path db = dir.resolve("warehouse.duckdb");
        String table = topic.replace('-', '_');
        assertThat(Sluice.queryLong(db, "select count(*) from " + table)).isEqualTo(3000);
        assertThat(Sluice.queryLong(db, "select count(distinct (_kafka_partition, _kafka_offset)) from " + table)).isEqualTo(3000);
        assertThat(Sluice.query(db, "select column_name, data_type from information_schema.columns where table_name = '"
                + table + "' order by ordinal_position")).extracting(r -> r.get(0) + " " + r.get(1)).containsExactly(
                "_kafka_topic VARCHAR", "_kafka_partition INTEGER", "_kafka_offset BIGINT", "_kafka_timestamp TIMESTAMP",
                "_kafka_key VARCHAR", "id INTEGER", "machine__id VARCHAR", "machine__site VARCHAR", "temperature DOUBLE",
                "tags JSON");
        assertThat(Sluice.query(db, "select tags::VARCHAR, _kafka_key from " + table + " where id = 7"))
                .containsExactly(List.of("[\"a\",\"b\"]", "k7"));
        assertThat(Sluice.queryLong(db, "select sum(next_offset) from _sluice_offsets")).isEqualTo(3000);

        TestBroker.produceJson(topic, 3, 300, i -> "{\"id\":" + (10_000 + i) + "}");
        Sluice.Result second = Sluice.run(dir, env, "run", m.toString());
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.stderr()).contains("read 300, written 300");
        assertThat(Sluice.queryLong(db, "select count(*) from " + table)).isEqualTo(3300);

        Sluice.Result third = Sluice.run(dir, env, "run", m.toString());
        assertThat(third.exit()).as(third.toString()).isZero();
        assertThat(third.stderr()).contains("read 0, written 0");
    }
}
