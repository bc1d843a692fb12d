package io.sluice.schema;

import static io.sluice.schema.DataType.Scalar.BIGINT;
import static io.sluice.schema.DataType.Scalar.BOOLEAN;
import static io.sluice.schema.DataType.Scalar.DOUBLE;
import static io.sluice.schema.DataType.Scalar.INTEGER;
import static io.sluice.schema.DataType.Scalar.JSON;
import static io.sluice.schema.DataType.Scalar.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.Struct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableBatchTest {
    private final TableBatch batch = new TableBatch("orders");

    @Test
    void startsEmpty() {
        assertThat(batch.table()).isEqualTo("orders");
        assertThat(batch.size()).isZero();
        assertThat(batch.columns()).isEmpty();
        assertThat(batch.rows()).isEmpty();
    }

    @Test
    void columnsFollowFirstSeenOrder() {
        add("id", 1, "name", "ann");
        add("name", "bob", "id", 2);

        assertThat(batch.columns()).containsExactly(new Column("id", INTEGER), new Column("name", VARCHAR));
        assertThat(values()).containsExactly(List.of(1, "ann"), List.of(2, "bob"));
    }

    @Test
    void aLaterRowWithANewFieldAddsAColumn() {
        add("id", 1);
        add("id", 2, "note", "late");
        add("id", 3);

        assertThat(batch.columns()).containsExactly(new Column("id", INTEGER), new Column("note", VARCHAR));
        assertThat(values()).containsExactly(Arrays.asList(1, null), List.of(2, "late"), Arrays.asList(3, null));
    }

    @Test
    void integersWidenToBigintThenDouble() {
        add("v", 1);
        assertThat(batch.columns()).containsExactly(new Column("v", INTEGER));
        add("v", 5_000_000_000L);
        assertThat(batch.columns()).containsExactly(new Column("v", BIGINT));
        add("v", 2);
        assertThat(batch.columns()).as("never narrows again").containsExactly(new Column("v", BIGINT));
        add("v", 0.5);
        assertThat(batch.columns()).containsExactly(new Column("v", DOUBLE));
        add("v", 7L);
        assertThat(batch.columns()).containsExactly(new Column("v", DOUBLE));

        assertThat(values()).as("values are kept as decoded").containsExactly(
                List.of(1), List.of(5_000_000_000L), List.of(2), List.of(0.5), List.of(7L));
    }

    @Test
    void mixedKindsWidenToVarcharAndStayThere() {
        add("v", true);
        add("v", 1);
        assertThat(batch.columns()).containsExactly(new Column("v", VARCHAR));
        add("v", 2.5);
        add("v", new JsonText("[1]"));
        assertThat(batch.columns()).containsExactly(new Column("v", VARCHAR));
    }

    @Test
    void columnNamesMatchIgnoringCaseAndKeepTheFirstSpelling() {
        add("UserId", 1);
        add("userid", 2);
        add("USERID", 3L);

        assertThat(batch.columns()).containsExactly(new Column("UserId", BIGINT));
        assertThat(values()).containsExactly(List.of(1), List.of(2), List.of(3L));
    }

    @Test
    void fieldsThatAreOnlyEverNullMakeNoColumn() {
        add("id", 1, "gone", null);
        add("id", 2, "gone", null);

        assertThat(batch.columns()).containsExactly(new Column("id", INTEGER));
        assertThat(nonNullValuesBeyondColumns()).isEmpty();
    }

    @Test
    void aFieldFirstNullThenSetGetsAColumnTypedByItsValue() {
        add("id", 1, "late", null);
        add("id", 2, "late", false);

        assertThat(batch.columns()).containsExactly(new Column("id", INTEGER), new Column("late", BOOLEAN));
        assertThat(values()).containsExactly(Arrays.asList(1, null), List.of(2, false));
    }

    @Test
    void structColumnsMergeTheirFields() {
        add("user", map("name", "ann"));
        add("user", map("name", "bob", "age", 41));
        add("user", map("age", 41.5));

        assertThat(batch.columns()).containsExactly(new Column("user",
                new Struct(List.of(new Field("name", VARCHAR), new Field("age", DOUBLE)))));
    }

    @Test
    void structAndJsonMeetInJson() {
        add("payload", map("a", 1));
        add("payload", new JsonText("{\"a\":[1]}"));
        add("payload", map("b", 2));

        assertThat(batch.columns()).containsExactly(new Column("payload", JSON));
    }

    @Test
    void jsonColumnStaysJsonForMoreJson() {
        add("tags", new JsonText("[]"));
        add("tags", new JsonText("[1]"));

        assertThat(batch.columns()).containsExactly(new Column("tags", JSON));
    }

    @Test
    void rowsAreCopiedSoTheRowObjectCanBeReused() {
        Row row = new Row();
        row.put("id", 1);
        batch.add(row);
        row.clear();
        row.put("id", 2);
        batch.add(row);

        assertThat(values()).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void manyColumnsGrowTheRow() {
        Row row = new Row();
        for (int i = 0; i < 100; i++) {
            row.put("c" + i, i);
        }
        batch.add(row);

        assertThat(batch.columns()).hasSize(100);
        assertThat(batch.columns().get(99)).isEqualTo(new Column("c99", INTEGER));
        assertThat(batch.rows().get(0)[99]).isEqualTo(99);
    }

    @Test
    void columnsIsACopy() {
        add("id", 1);
        List<Column> before = batch.columns();
        add("id", 2, "x", "y");

        assertThat(before).hasSize(1);
    }

    @Test
    void anEmptyObjectMakesNoColumn() {
        add("id", 1, "meta", map());

        assertThat(batch.columns()).containsExactly(new Column("id", INTEGER));
    }

    private void add(Object... namesAndValues) {
        Row row = new Row();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        batch.add(row);
    }

    /** Each row's values, one per column, null where the row has none. */
    private List<List<Object>> values() {
        assertThat(nonNullValuesBeyondColumns()).isEmpty();
        int n = batch.columns().size();
        List<List<Object>> out = new ArrayList<>();
        for (Object[] r : batch.rows()) {
            List<Object> vs = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                vs.add(c < r.length ? r[c] : null);
            }
            out.add(vs);
        }
        return out;
    }

    private List<Object> nonNullValuesBeyondColumns() {
        List<Object> out = new ArrayList<>();
        for (Object[] r : batch.rows()) {
            for (int c = batch.columns().size(); c < r.length; c++) {
                if (r[c] != null) {
                    out.add(r[c]);
                }
            }
        }
        return out;
    }

    private static Map<String, Object> map(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void decimalsOfOneClassStillWidenByTheirDigits() {
        TableBatch b = new TableBatch("t");
        for (String v : List.of("1.5", "12345.678")) {
            Row r = new Row();
            r.put("d", new java.math.BigDecimal(v));
            b.add(r);
        }
        assertThat(b.columns()).containsExactly(new Column("d", new DataType.Decimal(8, 3)));
    }
}
