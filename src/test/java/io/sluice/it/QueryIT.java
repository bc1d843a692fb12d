package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice query}: read-only SQL over a pipeline's DuckDB file, as a table, JSON or CSV. */
class QueryIT {
    @TempDir
    Path dir;

    @Test
    void queriesThePipelinesTablesReadOnlyAsTableJsonAndCsv() throws Exception {
        String topic = Sluice.unique("query");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 30, i -> "{\"id\":" + i + ",\"machine\":\"m" + (i % 3) + "\",\"note\":"
                + (i == 0 ? "\"a, \\\"quoted\\\" note\"" : "null") + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("q", "topics: [" + topic + "]", "{}", "events"));
        String missing = dir.resolve("warehouse.duckdb").toString();

        Sluice.Result before = Sluice.run(dir, Map.of(), "query", m.toString(), "select count(*) from events");
        assertThat(before.exit()).isEqualTo(1);
        assertThat(before.stderr()).contains("sluice: pipeline q has not run yet: its DuckDB file " + missing
                + " does not exist (`sluice run` creates it)");

        assertThat(Sluice.run(dir, Map.of(), "run", m.toString()).exit()).isZero();

        Sluice.Result table = Sluice.run(dir, Map.of(), "query", m.toString(),
                "select machine, count(*) as n, max(note) as note from events group by machine order by machine");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.stdout().lines()).containsExactly(
                "machine   n  note",
                "-------  --  ----------------",
                "m0       10  a, \"quoted\" note",
                "m1       10  NULL",
                "m2       10  NULL");
        assertThat(table.stderr()).contains("(3 rows)");

        Sluice.Result json = Sluice.run(dir, Map.of(), "query", m.toString(), "--format", "json",
                "select id, machine, note from events where id < 2 order by id");
        assertThat(json.exit()).as(json.toString()).isZero();
        JsonNode rows = new ObjectMapper().readTree(json.stdout());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("id").isInt()).isTrue();
        assertThat(rows.get(0).get("note").asText()).isEqualTo("a, \"quoted\" note");
        assertThat(rows.get(1).get("note").isNull()).isTrue();

        Sluice.Result csv = Sluice.run(dir, Map.of(), "query", m.toString(), "--format", "csv",
                "select id, note from events where id < 2 order by id");
        assertThat(csv.stdout().lines()).containsExactly("id,note", "0,\"a, \"\"quoted\"\" note\"", "1,");
    }

    @Test
    void badSqlWritesAndOtherFilesFailClearlyNamingTheWarehouse() throws Exception {
        String topic = Sluice.unique("query-bad");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 5, i -> "{\"id\":" + i + "}");
        Path m = Sluice.manifest(dir, Manifests.duckdb("q", "topics: [" + topic + "]", "{}", "events"));
        assertThat(Sluice.run(dir, Map.of(), "run", m.toString()).exit()).isZero();
        String db = dir.resolve("warehouse.duckdb").toString();

        Sluice.Result typo = Sluice.run(dir, Map.of(), "query", m.toString(), "selec count(*) from events");
        assertThat(typo.exit()).isEqualTo(1);
        assertThat(typo.stderr()).startsWith("sluice: query failed on DuckDB file " + db + ": ").contains("syntax error");

        Sluice.Result write = Sluice.run(dir, Map.of(), "query", m.toString(), "delete from events");
        assertThat(write.exit()).isEqualTo(1);
        assertThat(write.stderr()).contains("query failed on DuckDB file " + db + ": the warehouse is opened read-only");

        Path exported = dir.resolve("out.csv");
        Sluice.Result copy = Sluice.run(dir, Map.of(), "query", m.toString(), "copy events to '" + exported + "'");
        assertThat(copy.exit()).isEqualTo(1);
        assertThat(copy.stderr()).contains("query failed on DuckDB file " + db);
        assertThat(exported).doesNotExist();

        assertThat(Sluice.queryLong(dir.resolve("warehouse.duckdb"), "select count(*) from events")).isEqualTo(5);
        assertThat(Files.exists(dir.resolve("warehouse.duckdb"))).isTrue();

        Sluice.Result unknown = Sluice.run(dir, Map.of(), "query", m.toString(), "--pipeline", "nope", "select 1");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no pipeline named \"nope\" (pipelines: q)");
    }
}
