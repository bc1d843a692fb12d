package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.internal.json.JsonUtils;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.actions.Format;
import io.delta.kernel.internal.actions.Metadata;
import io.delta.kernel.internal.actions.Protocol;
import io.delta.kernel.internal.data.TransactionStateRow;
import io.delta.kernel.internal.util.VectorUtils;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.DataFileStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the Kernel internals {@link KernelActions} builds compaction's actions with: the log lines they serialize to
 * (through Kernel's own row-to-JSON) must be the add and remove actions the Delta protocol describes. A Kernel upgrade
 * that renames, drops or reorders what they rely on fails here.
 */
class KernelActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StructField mapped(String name, io.delta.kernel.types.DataType type, long id, String physical) {
        return new StructField(name, type, true, FieldMetadata.builder().putLong(ColumnMapping.ID, id)
                .putString(ColumnMapping.PHYSICAL_NAME, physical).build());
    }

    private static Row state() {
        StructType schema = new StructType().add(mapped("id", LongType.LONG, 1, "col-id"))
                .add(mapped("region", StringType.STRING, 2, "col-region"));
        Metadata md = new Metadata("table-id", Optional.empty(), Optional.empty(), new Format(), schema.toJson(), schema,
                VectorUtils.buildArrayValue(List.of("region"), StringType.STRING), Optional.of(0L),
                VectorUtils.stringStringMapValue(Map.of("delta.columnMapping.mode", "name",
                        "delta.columnMapping.maxColumnId", "2")));
        Protocol p = new Protocol(3, 7, Set.of("columnMapping"), Set.of("columnMapping", "domainMetadata"));
        return TransactionStateRow.of(md, p, "file:/data/lake/events", 10);
    }

    private static JsonNode json(Row action) throws Exception {
        return JSON.readTree(JsonUtils.rowToJson(action));
    }

    @Test
    void theAddOfACompactedFileIsRelativeChangesNoDataAndCarriesStatisticsByPhysicalName() throws Exception {
        Row state = state();
        assertThat(KernelActions.statisticsColumns(state)).containsExactly(new Column("col-id"), new Column("col-region"));
        DataFileStatistics stats = new DataFileStatistics(3, Map.of(new Column("col-id"), Literal.ofLong(1)),
                Map.of(new Column("col-id"), Literal.ofLong(9)), Map.of(new Column("col-id"), 0L), Optional.empty());
        DataFileStatus file = new DataFileStatus("file:/data/lake/events/col-region=eu west/part-1.parquet", 1234, 99,
                Optional.of(stats));

        JsonNode add = json(KernelActions.add(state, file, VectorUtils.stringStringMapValue(Map.of("col-region", "eu west"))));

        assertThat(add.fieldNames()).toIterable().containsExactly("add");
        JsonNode a = add.get("add");
        assertThat(a.get("path").asText()).isEqualTo("col-region=eu%20west/part-1.parquet");
        assertThat(a.get("partitionValues").toString()).isEqualTo("{\"col-region\":\"eu west\"}");
        assertThat(a.get("size").asLong()).isEqualTo(1234);
        assertThat(a.get("modificationTime").asLong()).isEqualTo(99);
        assertThat(a.get("dataChange").asBoolean(true)).isFalse();
        JsonNode s = JSON.readTree(a.get("stats").asText());
        assertThat(s.get("numRecords").asLong()).isEqualTo(3);
        assertThat(s.get("minValues").get("col-id").asLong()).isEqualTo(1);
        assertThat(s.get("maxValues").get("col-id").asLong()).isEqualTo(9);
        assertThat(s.get("nullCount").get("col-id").asLong()).isZero();
    }

    @Test
    void theRemoveOfALiveFileKeepsItsPathPartitionSizeAndStatisticsAndChangesNoData() throws Exception {
        Row state = state();
        DataFileStatistics stats = new DataFileStatistics(5, Map.of(), Map.of(), Map.of(), Optional.empty());
        Row addAction = KernelActions.add(state, new DataFileStatus("file:/data/lake/events/col-region=eu/p.parquet", 77, 5,
                Optional.of(stats)), VectorUtils.stringStringMapValue(Map.of("col-region", "eu")));
        Row add = addAction.getStruct(addAction.getSchema().indexOf("add"));
        assertThat(KernelActions.partitionValues(add).getSize()).isEqualTo(1);

        JsonNode remove = json(KernelActions.remove(add, 4242));

        assertThat(remove.fieldNames()).toIterable().containsExactly("remove");
        JsonNode r = remove.get("remove");
        assertThat(r.get("path").asText()).isEqualTo("col-region=eu/p.parquet");
        assertThat(r.get("deletionTimestamp").asLong()).isEqualTo(4242);
        assertThat(r.get("dataChange").asBoolean(true)).isFalse();
        assertThat(r.get("extendedFileMetadata").asBoolean()).isTrue();
        assertThat(r.get("partitionValues").toString()).isEqualTo("{\"col-region\":\"eu\"}");
        assertThat(r.get("size").asLong()).isEqualTo(77);
        assertThat(JSON.readTree(r.get("stats").asText()).get("numRecords").asLong()).isEqualTo(5);
    }
}
