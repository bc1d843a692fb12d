package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.SchemaChange;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ColumnMappingTest {
    private static void collect(io.delta.kernel.types.DataType t, List<Long> ids, List<String> names) {
        if (t instanceof StructType s) {
            for (StructField f : s.fields()) {
                ids.add(f.getMetadata().getLong(ColumnMapping.ID));
                names.add(f.getMetadata().getString(ColumnMapping.PHYSICAL_NAME));
                collect(f.getDataType(), ids, names);
            }
        } else if (t instanceof ArrayType a) {
            collect(a.getElementType(), ids, names);
        }
    }

    @Test
    void everyFieldNestedOrNotGetsAUniqueIdAndPhysicalNameAndKeepsThemWhenTheSchemaEvolves() {
        List<Column> first = List.of(new Column("id", Scalar.INTEGER),
                new Column("s", new Struct(List.of(new Field("a", Scalar.VARCHAR)))),
                new Column("l", new ListOf(new Struct(List.of(new Field("x", Scalar.DOUBLE))))));
        StructType created = ColumnMapping.evolve(new StructType(), first, new ColumnMapping.Ids(0));
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        collect(created, ids, names);
        assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(new HashSet<>(names)).hasSize(5).allMatch(n -> n.startsWith("col-"));

        List<Column> second = List.of(new Column("ID", Scalar.BIGINT),
                new Column("s", new Struct(List.of(new Field("a", Scalar.VARCHAR), new Field("b", Scalar.INTEGER)))),
                new Column("note", Scalar.VARCHAR));
        StructType evolved = ColumnMapping.evolve(created, second,
                new ColumnMapping.Ids(ColumnMapping.maxId(created, Map.of(ColumnMapping.MAX_ID, "5"))));
        List<Long> ids2 = new ArrayList<>();
        List<String> names2 = new ArrayList<>();
        collect(evolved, ids2, names2);
        assertThat(ids2).doesNotHaveDuplicates().containsAll(ids).contains(6L, 7L).hasSize(7);
        assertThat(names2).doesNotHaveDuplicates().containsAll(names);
        StructField id = evolved.fields().get(0);
        assertThat(id.getName()).as("names match case-insensitively and keep the table's").isEqualTo("id");
        assertThat(id.getDataType()).isEqualTo(LongType.LONG);
        assertThat(ColumnMapping.naming(evolved).name(List.of("s", "b")).id()).isIn(6, 7);
        assertThat(ColumnMapping.naming(evolved).name(List.of("l", "x")).name()).isEqualTo(names.get(4));
    }

    @Test
    void deltaWidensOnlyWhatTypeWideningAllows() {
        DeltaTypes on = new DeltaTypes(true);
        assertThat(on.canWiden(Scalar.INTEGER, Scalar.BIGINT)).isTrue();
        assertThat(on.canWiden(Scalar.INTEGER, Scalar.DOUBLE)).isTrue();
        assertThat(on.canWiden(Scalar.BIGINT, Scalar.DOUBLE)).isFalse();
        assertThat(on.canWiden(Scalar.DATE, Scalar.TIMESTAMP)).isFalse();
        assertThat(new DeltaTypes(false).canWiden(Scalar.INTEGER, Scalar.BIGINT)).isFalse();
        assertThat(on.stored(new ListOf(Scalar.UUID))).isEqualTo(new ListOf(Scalar.VARCHAR));
    }

    @Test
    void positionsRoundTripThroughTheDomainEntry() {
        StoredPosition p = new StoredPosition(new TablePosition("t", new TopicPartition("orders", 3), 42, Optional.of("id1")), "p1");
        StoredPosition q = new StoredPosition(new TablePosition("t", new TopicPartition("ö \"x\"", 0), 0, Optional.empty()), "p2");
        SchemaChange c = new SchemaChange(SchemaChange.Kind.ADD_COLUMN, Optional.of("note"), Optional.empty(), "VARCHAR", 7);
        PositionsDomain d = new PositionsDomain("p1", "w", "w/1", List.of(p, q), List.of(c));
        PositionsDomain back = PositionsDomain.parse("t", d.toJson());
        assertThat(back).isEqualTo(d);
        Set<String> stamps = Set.of(back.stamp());
        assertThat(stamps).containsExactly("w/1");
    }
}
