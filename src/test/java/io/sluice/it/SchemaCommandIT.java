package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice schema infer} and {@code schema diff} against the real broker and a real DuckDB file. */
class SchemaCommandIT {
    @TempDir
    Path dir;

    private Sluice.Result sluice(String... args) {
        return Sluice.run(dir, Map.of(), args);
    }

    @Test
    void inferPrintsTheColumnsAndDdlAndDiffShowsWhatTheNextRunChanges() {
        String topic = Sluice.unique("schema-cmd");
        TestBroker.createTopic(topic, 2);
        TestBroker.produceJson(topic, 2, 10, i -> "{\"id\":" + i + ",\"at\":\"x\",\"loc\":{\"lat\":1.5}}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("sc", "topics: [" + topic + "]", "{batch_size: 100}", "t"));

        Sluice.Result infer = sluice("schema", "infer", m.toString(), "--sample", "50");
        assertThat(infer.exit()).as(infer.toString()).isZero();
        assertThat(infer.stdout()).contains("table t (from 10 sampled records)")
                .containsPattern("id +INTEGER")
                .containsPattern("loc__lat +DOUBLE")
                .contains("CREATE TABLE \"main\".\"t\" (\n  \"_kafka_topic\" VARCHAR,")
                .contains("  \"loc__lat\" DOUBLE\n);");
        Sluice.Result json = sluice("schema", "infer", m.toString(), "--format", "json");
        assertThat(json.stdout().replaceAll("\\s", "")).contains("{\"name\":\"id\",\"type\":\"INTEGER\"}");

        Sluice.Result before = sluice("schema", "diff", m.toString());
        assertThat(before.exit()).as(before.toString()).isZero();
        assertThat(before.stdout()).contains("table t (from 10 sampled records): \n  new table (");

        assertThat(sluice("run", m.toString()).exit()).isZero();
        Sluice.Result nothing = sluice("schema", "diff", m.toString(), "--wait", "2");
        assertThat(nothing.stdout()).contains("nothing new to read");

        TestBroker.produceJson(topic, 2, 4, i -> "{\"id\":" + (5_000_000_000L + i) + ",\"extra\":true}");
        Sluice.Result widen = sluice("schema", "diff", m.toString());
        assertThat(widen.exit()).as(widen.toString()).isZero();
        assertThat(widen.stdout()).contains("  ~ id INTEGER -> BIGINT\n  + extra BOOLEAN");

        TestBroker.produceJson(topic, 2, 2, i -> "{\"id\":\"not a number\"}");
        Sluice.Result breaking = sluice("schema", "diff", m.toString());
        assertThat(breaking.exit()).as(breaking.toString()).isEqualTo(3);
        assertThat(breaking.stdout()).contains("table t: the next run would stop: breaking schema change in table t")
                .contains("column id: the table has INTEGER, the batch has VARCHAR");
        // diff wrote nothing
        assertThat(Sluice.queryLong(dir.resolve("warehouse.duckdb"), "select count(*) from t")).isEqualTo(10);
    }
}
