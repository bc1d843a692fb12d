package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records that each bring a field of their own: the table stops at schema.max_columns, clearly, and a policy routes around it. */
class WideSchemaIT {
    @TempDir
    Path dir;

    private Sluice.Result sluice(String... args) {
        return Sluice.run(dir, Map.of(), args);
    }

    private Path db() {
        return dir.resolve("warehouse.duckdb");
    }

    @Test
    void aFastGrowingSchemaStopsAtMaxColumnsAndOnErrorSkipRoutesAroundIt() {
        String topic = Sluice.unique("wide");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 3000, i -> "{\"id\":" + i + ",\"f" + i + "\":" + i + "}");
        String base = Manifests.duckdb("wide", "topics: [" + topic + "]", "{batch_size: 500}", "wide_t");

        // batch 1 makes 506 columns (5 _kafka_ columns, id, f0..f499); batch 2 would make 1006, past the default 1000
        Path m = Sluice.manifest(dir, base);
        Sluice.Result r = sluice("run", m.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String expected = "table wide_t would have 1006 columns, more than schema.max_columns (1000): the batch brings 500 new"
                + " columns, the first past the limit is f994 INTEGER (first in record " + topic + "/0@994).";
        assertThat(r.stderr()).contains(expected).contains("source.options.on_error: skip")
                .contains("Nothing of this batch was committed.").doesNotContain("_sluice_offsets");
        assertThat(Sluice.queryLong(db(), "select count(*) from wide_t")).isEqualTo(500);
        assertThat(columnCount()).isEqualTo(506);

        // a rerun is not wedged: it stops the same clear way, at the same record
        Sluice.Result again = sluice("run", m.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.stderr()).contains(expected);

        // on_error: skip fills the table up to the limit and skips, counted, the records that would go past it
        Path skip = Sluice.manifest(dir, base.replace("{batch_size: 500}", "{batch_size: 500, on_error: skip}"));
        Sluice.Result skipped = sluice("run", skip.toString());
        assertThat(skipped.exit()).as(skipped.toString()).isZero();
        assertThat(skipped.stderr()).contains("warning: table wide_t: skipped 6 records with values for 6 new columns past"
                        + " schema.max_columns (1000), first f994 (first in record " + topic + "/0@994) (source.options.on_error: skip)")
                .contains("read 2500, written 494, skipped 2006");
        assertThat(columnCount()).isEqualTo(1000);
        assertThat(Sluice.queryLong(db(), "select count(*) from wide_t")).isEqualTo(994);
        assertThat(Sluice.queryLong(db(), "select count(*) from wide_t where f993 = 993")).isEqualTo(1);
        assertThat(Sluice.queryLong(db(), "select max(next_offset) from _sluice_offsets where pipeline = 'wide'")).isEqualTo(3000);
    }

    @Test
    void discardValueKeepsEveryRowOfAFastGrowingSchemaAndARaisedLimitKeepsEveryColumn() {
        String topic = Sluice.unique("wide-dv");
        TestBroker.createTopic(topic, 1);
        TestBroker.produceJson(topic, 1, 1500, i -> "{\"id\":" + i + ",\"f" + i + "\":" + i + "}");
        String base = Manifests.duckdb("wide", "topics: [" + topic + "]", "{batch_size: 500}", "wide_t");

        Sluice.Result r = sluice("run", Sluice.manifest(dir, base + "schema: {max_columns: 300, evolution: {new_column: discard_value}}\n").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("warning: table wide_t: dropped 206 values of 206 new columns past schema.max_columns (300),"
                + " first f294 (first in record " + topic + "/0@294) (schema.evolution.new_column: discard_value)");
        assertThat(Sluice.queryLong(db(), "select count(*) from wide_t")).isEqualTo(1500);
        assertThat(columnCount()).isEqualTo(300);

        // the same records into another table with room for them all: every column and row lands
        Sluice.Result all = sluice("run", Sluice.manifest(dir, Manifests.duckdb("wide2", "topics: [" + topic + "]", "{batch_size: 500}",
                "wide_all") + "schema: {max_columns: 2000}\n").toString());
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(Sluice.queryLong(db(), "select count(*) from information_schema.columns where table_name = 'wide_all'")).isEqualTo(1506);
        assertThat(Sluice.queryLong(db(), "select count(*) from wide_all")).isEqualTo(1500);
        assertThat(Sluice.queryLong(db(), "select f1499 from wide_all where id = 1499")).isEqualTo(1499);
    }

    private long columnCount() {
        return Sluice.queryLong(db(), "select count(*) from information_schema.columns where table_name = 'wide_t'");
    }
}
