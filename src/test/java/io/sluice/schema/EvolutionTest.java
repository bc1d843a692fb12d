package io.sluice.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.manifest.EvolutionPolicy;
import io.sluice.manifest.EvolutionPolicy.Breaking;
import io.sluice.manifest.EvolutionPolicy.NewColumn;
import io.sluice.manifest.EvolutionPolicy.Widening;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvolutionTest {
    private static final List<Column> TABLE = List.of(new Column("_kafka_topic", Scalar.VARCHAR),
            new Column("_kafka_partition", Scalar.INTEGER), new Column("_kafka_offset", Scalar.INTEGER),
            new Column("id", Scalar.INTEGER), new Column("name", Scalar.VARCHAR));

    private static TableBatch batch(Object[]... rows) {
        TableBatch b = new TableBatch("t");
        long offset = 0;
        for (Object[] r : rows) {
            Row row = new Row();
            row.put("_kafka_topic", "orders");
            row.put("_kafka_partition", 0);
            row.put("_kafka_offset", (int) offset++);
            for (int i = 0; i < r.length; i += 2) {
                row.put((String) r[i], r[i + 1]);
            }
            b.add(row);
        }
        return b;
    }

    private static EvolutionPolicy policy(NewColumn n, Widening w, Breaking b) {
        return new EvolutionPolicy(n, w, b);
    }

    private static List<String> userColumns(TableBatch b) {
        return b.columns().stream().filter(c -> !c.name().startsWith("_kafka")).map(c -> c.name() + " " + c.type().describe()).toList();
    }

    @Test
    void aNewTableIsCreatedWhateverThePolicy() {
        TableBatch b = batch(new Object[] {"id", 1});
        Evolution.Outcome o = Evolution.apply(policy(NewColumn.FREEZE, Widening.FREEZE, Breaking.FAIL), "t", Optional.empty(), b);
        assertThat(o.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(SchemaChange.Kind.CREATE_TABLE);
            assertThat(c.after()).endsWith("id INTEGER");
        });
    }

    @Test
    void newColumnsEvolveByDefaultAndWideningIsRecorded() {
        TableBatch b = batch(new Object[] {"id", 5_000_000_000L, "extra", true});
        Evolution.Outcome o = Evolution.apply(EvolutionPolicy.defaults(), "t", Optional.of(TABLE), b);
        assertThat(o.changes()).extracting(SchemaChange::describe).containsExactly("~ id INTEGER -> BIGINT", "+ extra BOOLEAN");
        assertThat(o.tableAfter()).endsWith(new Column("id", Scalar.BIGINT), new Column("name", Scalar.VARCHAR),
                new Column("extra", Scalar.BOOLEAN));
    }

    @Test
    void freezeNamesTheColumnAndTheFirstRecordThatHasIt() {
        TableBatch b = batch(new Object[] {"id", 1}, new Object[] {"id", 2, "extra", "x"});
        assertThatThrownBy(() -> Evolution.apply(policy(NewColumn.FREEZE, Widening.EVOLVE, Breaking.FAIL), "t", Optional.of(TABLE), b))
                .isInstanceOf(SchemaChangeException.class)
                .hasMessage("table t has no column extra VARCHAR, and schema.evolution.new_column is freeze"
                        + " (first in record orders/0@1)\n  table columns: id INTEGER, name VARCHAR\n  batch columns: id INTEGER, extra VARCHAR");
    }

    @Test
    void discardRowLeavesOutRowsWithTheNewColumn() {
        TableBatch b = batch(new Object[] {"id", 1}, new Object[] {"id", 2, "extra", "x"}, new Object[] {"id", 3});
        Evolution.Outcome o = Evolution.apply(policy(NewColumn.DISCARD_ROW, Widening.EVOLVE, Breaking.FAIL), "t", Optional.of(TABLE), b);
        assertThat(o.rowsDiscarded()).isEqualTo(1);
        assertThat(o.changes()).isEmpty();
        assertThat(userColumns(b)).containsExactly("id INTEGER");
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.value(1, b.columnIndex("id"))).isEqualTo(3);
    }

    @Test
    void discardValueKeepsRowsWithoutTheNewColumn() {
        TableBatch b = batch(new Object[] {"id", 1, "extra", "x"}, new Object[] {"extra", "y", "id", 2});
        Evolution.Outcome o = Evolution.apply(policy(NewColumn.DISCARD_VALUE, Widening.EVOLVE, Breaking.FAIL), "t", Optional.of(TABLE), b);
        assertThat(o.valuesDiscarded()).isEqualTo(2);
        assertThat(userColumns(b)).containsExactly("id INTEGER");
        assertThat(b.value(1, b.columnIndex("id"))).isEqualTo(2);
    }

    @Test
    void wideningCanBeFrozen() {
        TableBatch b = batch(new Object[] {"id", 5_000_000_000L});
        assertThatThrownBy(() -> Evolution.apply(policy(NewColumn.EVOLVE, Widening.FREEZE, Breaking.FAIL), "t", Optional.of(TABLE), b))
                .hasMessageStartingWith("column id of table t would widen from INTEGER to BIGINT, and schema.evolution.type_widening is freeze"
                        + " (first in record orders/0@0)");
    }

    @Test
    void aBreakingChangeFailsWithADiffByDefault() {
        TableBatch b = batch(new Object[] {"id", 1}, new Object[] {"id", "x"});
        assertThatThrownBy(() -> Evolution.apply(EvolutionPolicy.defaults(), "t", Optional.of(TABLE), b))
                .isInstanceOf(SchemaChangeException.class)
                .hasMessage("breaking schema change in table t (schema.evolution.breaking_change is fail; set it to variant to keep"
                        + " such values in __sluice_nc__<column> columns):\n  column id: the table has INTEGER, the batch has VARCHAR"
                        + " (first in record orders/0@1)\n  table columns: id INTEGER, name VARCHAR\n  batch columns: id VARCHAR");
    }

    @Test
    void variantKeepsFittingValuesAndMovesTheOthers() {
        TableBatch b = batch(new Object[] {"id", 1}, new Object[] {"id", "x"}, new Object[] {"id", 3});
        Evolution.Outcome o = Evolution.apply(policy(NewColumn.EVOLVE, Widening.EVOLVE, Breaking.VARIANT), "t", Optional.of(TABLE), b);
        assertThat(o.valuesToVariant()).isEqualTo(1);
        assertThat(o.changes()).extracting(SchemaChange::describe).containsExactly(
                "! id INTEGER cannot hold VARCHAR values; they go to __sluice_nc__id", "+ __sluice_nc__id VARCHAR");
        assertThat(userColumns(b)).containsExactly("id INTEGER", "__sluice_nc__id VARCHAR");
        int id = b.columnIndex("id");
        int nc = b.columnIndex("__sluice_nc__id");
        assertThat(Arrays.asList(b.value(0, id), b.value(1, id), b.value(2, id))).containsExactly(1, null, 3);
        assertThat(Arrays.asList(b.value(0, nc), b.value(1, nc), b.value(2, nc))).containsExactly(null, "x", null);

        // a later batch with another misfit type widens the existing variant column
        TableBatch later = batch(new Object[] {"id", true});
        Evolution.Outcome o2 = Evolution.apply(policy(NewColumn.EVOLVE, Widening.EVOLVE, Breaking.VARIANT), "t",
                Optional.of(o.tableAfter()), later);
        assertThat(o2.changes()).extracting(SchemaChange::describe).containsExactly(
                "! id INTEGER cannot hold BOOLEAN values; they go to __sluice_nc__id");
        assertThat(userColumns(later)).containsExactly("id INTEGER", "__sluice_nc__id BOOLEAN");
    }

    @Test
    void safeWideningFollowsTheIssueList() {
        assertThat(Evolution.widensSafely(Scalar.INTEGER, Scalar.BIGINT)).isTrue();
        assertThat(Evolution.widensSafely(Scalar.FLOAT, Scalar.DOUBLE)).isTrue();
        assertThat(Evolution.widensSafely(new Decimal(10, 2), new Decimal(12, 2))).isTrue();
        assertThat(Evolution.widensSafely(new Decimal(10, 2), new Decimal(10, 3))).isFalse();
        assertThat(Evolution.widensSafely(Scalar.INTEGER, new Decimal(12, 2))).isTrue();
        assertThat(Evolution.widensSafely(Scalar.BIGINT, Scalar.INTEGER)).isFalse();
        assertThat(Evolution.widensSafely(Scalar.INTEGER, Scalar.VARCHAR)).isFalse();
        assertThat(Evolution.widensSafely(Scalar.DATE, Scalar.TIMESTAMP)).isTrue();
        assertThat(Evolution.widensSafely(new ListOf(Scalar.INTEGER), new ListOf(Scalar.BIGINT))).isTrue();
        Struct small = new Struct(List.of(new Field("a", Scalar.INTEGER)));
        Struct more = new Struct(List.of(new Field("a", Scalar.BIGINT), new Field("b", Scalar.VARCHAR)));
        Struct changed = new Struct(List.of(new Field("a", Scalar.VARCHAR)));
        assertThat(Evolution.widensSafely(small, more)).isTrue();
        assertThat(Evolution.widensSafely(small, changed)).isFalse();
    }

    @Test
    void declaredTypesFromAWriterSchemaCarryItsId() {
        TableBatch b = new TableBatch("t");
        Row r = new Row();
        r.schemaId(7);
        r.put("id", 5L, Scalar.BIGINT);
        r.put("price", new java.math.BigDecimal("1.50"), new Decimal(10, 2));
        b.add(r);
        Evolution.Outcome o = Evolution.apply(EvolutionPolicy.defaults(), "t", Optional.of(TABLE), b);
        assertThat(o.changes()).extracting(SchemaChange::describe).containsExactly(
                "~ id INTEGER -> BIGINT (schema id 7)", "+ price DECIMAL(10, 2) (schema id 7)");
    }

    @Test
    void bigintToDoubleIsBreakingBecauseADoubleCannotHoldEveryBigint() {
        List<Column> table = List.of(new Column("_kafka_topic", Scalar.VARCHAR), new Column("_kafka_partition", Scalar.INTEGER),
                new Column("_kafka_offset", Scalar.INTEGER), new Column("v", Scalar.BIGINT));
        assertThat(Evolution.widensSafely(Scalar.BIGINT, Scalar.DOUBLE)).isFalse();
        assertThatThrownBy(() -> Evolution.apply(EvolutionPolicy.defaults(), "t", Optional.of(table), batch(new Object[] {"v", 1.5})))
                .hasMessageContaining("column v: the table has BIGINT, the batch has DOUBLE (first in record orders/0@0)");
    }

    @Test
    void rowsLeftOutDoNotDecideTheTypesOfTheRowsKept() {
        TableBatch b = batch(new Object[] {"id", 5_000_000_000L, "extra", "x"}, new Object[] {"id", 1},
                new Object[] {"id", "oops", "extra", "y"});
        Evolution.Outcome o = Evolution.apply(policy(NewColumn.DISCARD_ROW, Widening.FREEZE, Breaking.FAIL), "t", Optional.of(TABLE), b);
        assertThat(o.rowsDiscarded()).isEqualTo(2);
        assertThat(o.changes()).isEmpty();
        assertThat(userColumns(b)).containsExactly("id INTEGER");

        // a table whose every row is left out changes nothing, not even in the history
        TableBatch all = batch(new Object[] {"id", 5_000_000_000L, "extra", "x"});
        Evolution.Outcome none = Evolution.apply(policy(NewColumn.DISCARD_ROW, Widening.EVOLVE, Breaking.FAIL), "t", Optional.of(TABLE), all);
        assertThat(none.changes()).isEmpty();
        assertThat(none.tableAfter()).isEqualTo(TABLE);
        assertThat(all.size()).isZero();
    }

    @Test
    void aWiderDeclaredTypeWhoseValuesAllFitChangesNothing() {
        TableBatch b = new TableBatch("t");
        Row r = new Row();
        r.put("_kafka_topic", "orders");
        r.put("_kafka_partition", 0);
        r.put("_kafka_offset", 0);
        r.put("id", null, Scalar.VARCHAR);
        r.put("tags", List.of(), new ListOf(Scalar.VARCHAR));
        b.add(r);
        List<Column> table = new java.util.ArrayList<>(TABLE);
        table.add(new Column("tags", new ListOf(Scalar.INTEGER)));
        Evolution.Outcome o = Evolution.apply(policy(NewColumn.EVOLVE, Widening.EVOLVE, Breaking.VARIANT), "t", Optional.of(table), b);
        assertThat(o.changes()).isEmpty();
        assertThat(userColumns(b)).containsExactly("id INTEGER", "tags INTEGER[]");
    }

    /** Rows 0..n-1, row i with a field of its own, {@code f<i>}. */
    private static TableBatch widening(int n) {
        Object[][] rows = new Object[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new Object[] {"id", i, "f" + i, i};
        }
        return batch(rows);
    }

    private static EvolutionPolicy limited(NewColumn n, int max) {
        return new EvolutionPolicy(n, Widening.EVOLVE, Breaking.FAIL, max);
    }

    @Test
    void aBatchPastMaxColumnsFailsNamingTheTableTheLimitAndTheFirstRecord() {
        // TABLE has 5 columns; a limit of 8 leaves room for three of the batch's four new columns
        assertThatThrownBy(() -> Evolution.apply(limited(NewColumn.EVOLVE, 8), "t", Optional.of(TABLE), widening(4)))
                .isInstanceOf(SchemaChangeException.class)
                .hasMessageStartingWith("table t would have 9 columns, more than schema.max_columns (8): the batch brings 4 new"
                        + " columns, the first past the limit is f3 INTEGER (first in record orders/0@3).")
                .hasMessageContaining("source.options.on_error: skip");
        // a new table is held to the limit too
        assertThatThrownBy(() -> Evolution.apply(limited(NewColumn.EVOLVE, 5), "t", Optional.empty(), widening(3)))
                .hasMessageStartingWith("table t would have 7 columns, more than schema.max_columns (5)");
    }

    @Test
    void withOnErrorSkipTheRecordsPastTheLimitAreLeftOutAndCounted() {
        TableBatch b = widening(4);
        Evolution.Outcome o = Evolution.apply(limited(NewColumn.EVOLVE, 8), true, "t", Optional.of(TABLE), b);
        assertThat(o.rowsSkipped()).isEqualTo(1);
        assertThat(o.limitWarning()).isEqualTo("table t: skipped 1 records with values for 1 new columns past"
                + " schema.max_columns (8), first f3 (first in record orders/0@3) (source.options.on_error: skip)");
        assertThat(b.size()).isEqualTo(3);
        assertThat(o.tableAfter()).hasSize(8);
        assertThat(userColumns(b)).containsExactly("id INTEGER", "f0 INTEGER", "f1 INTEGER", "f2 INTEGER");
        // a batch whose every record is past the limit leaves the table as it is
        TableBatch all = widening(2);
        Evolution.Outcome none = Evolution.apply(limited(NewColumn.EVOLVE, 5), true, "t", Optional.of(TABLE), all);
        assertThat(none.rowsSkipped()).isEqualTo(2);
        assertThat(none.changes()).isEmpty();
        assertThat(none.tableAfter()).isEqualTo(TABLE);
    }

    @Test
    void discardPoliciesCreateANewTableWithinTheLimit() {
        TableBatch values = widening(3);
        Evolution.Outcome o = Evolution.apply(limited(NewColumn.DISCARD_VALUE, 5), "t", Optional.empty(), values);
        assertThat(o.tableAfter()).hasSize(5);
        assertThat(o.valuesDiscarded()).isEqualTo(2);
        assertThat(values.size()).isEqualTo(3);
        assertThat(userColumns(values)).containsExactly("id INTEGER", "f0 INTEGER");
        assertThat(o.limitWarning()).contains("dropped 2 values of 2 new columns past schema.max_columns (5), first f1");

        TableBatch rows = widening(3);
        Evolution.Outcome r = Evolution.apply(limited(NewColumn.DISCARD_ROW, 5), "t", Optional.empty(), rows);
        assertThat(r.rowsDiscarded()).isEqualTo(2);
        assertThat(rows.size()).isEqualTo(1);
        assertThat(r.changes()).singleElement().satisfies(c -> assertThat(c.kind()).isEqualTo(SchemaChange.Kind.CREATE_TABLE));
    }

    @Test
    void aTableAlreadyPastALoweredLimitKeepsItsColumnsButGainsNone() {
        TableBatch b = batch(new Object[] {"id", 1, "name", "a"});
        Evolution.Outcome o = Evolution.apply(limited(NewColumn.EVOLVE, 3), "t", Optional.of(TABLE), b);
        assertThat(o.changes()).isEmpty();
        assertThatThrownBy(() -> Evolution.apply(limited(NewColumn.EVOLVE, 3), "t", Optional.of(TABLE), widening(1)))
                .hasMessageStartingWith("table t would have 6 columns, more than schema.max_columns (3)");
    }
}
