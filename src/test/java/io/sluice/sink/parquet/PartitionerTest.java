package io.sluice.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.Column;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How values and column names become Hive directory names: one level each, decoded back to the same text. */
class PartitionerTest {
    private static final PartitionField REGION = new PartitionField("region", Transform.IDENTITY);

    @Test
    void valuesThatReadersTakeForANullGetTheirFirstCharacterEscaped() {
        assertThat(Partitioner.escapeValue("null")).isEqualTo("%6Eull");
        assertThat(Partitioner.escapeValue("NuLL")).isEqualTo("%4EuLL");
        assertThat(Partitioner.escapeValue("__HIVE_DEFAULT_PARTITION__")).isEqualTo("%5F_HIVE_DEFAULT_PARTITION__");
        assertThat(Partitioner.escapeValue("nullable")).isEqualTo("nullable");
        assertThat(Partitioner.escapeValue("a/b=c%d")).isEqualTo("a%2Fb%3Dc%25d");
        assertThat(Partitioner.escapeValue("..")).isEqualTo("..");
        assertThat(Partitioner.escapeValue("\u0000\n")).isEqualTo("%00%0A");
        assertThat(Partitioner.escapeValue("\u65e5\u672c \ud83d\ude00")).isEqualTo("\u65e5\u672c \ud83d\ude00");
        // what the file holds: Java's UTF-8 encoder writes an unpaired surrogate as '?'
        assertThat(Partitioner.escapeValue("\ud800x")).isEqualTo("%3Fx");
    }

    @Test
    void columnNamesAreEscapedLikeValuesAndNeverStartWithADot() {
        assertThat(Partitioner.dirKey(new PartitionField("a/b", Transform.IDENTITY))).isEqualTo("a%2Fb");
        assertThat(Partitioner.dirKey(new PartitionField("x=y", Transform.IDENTITY))).isEqualTo("x%3Dy");
        assertThat(Partitioner.dirKey(new PartitionField("..", Transform.IDENTITY))).isEqualTo("%2E.");
        assertThat(Partitioner.dirKey(new PartitionField(".sluice-staging", Transform.IDENTITY))).isEqualTo("%2Esluice-staging");
        assertThat(Partitioner.dirKey(new PartitionField("seen/at", Transform.DAY))).isEqualTo("seen%2Fat_day");
        assertThat(Partitioner.dirKey(new PartitionField("has space", Transform.IDENTITY))).isEqualTo("has space");
    }

    @Test
    void emptyAndTooLongValuesGoToTheDefaultPartitionAndTheWarningNamesTheFirstRecord() {
        List<Column> cols = List.of(new Column("_kafka_topic", Scalar.VARCHAR), new Column("_kafka_partition", Scalar.INTEGER),
                new Column("_kafka_offset", Scalar.BIGINT), new Column("region", Scalar.VARCHAR));
        String fits = "x".repeat(Partitioner.MAX_SEGMENT_BYTES - "region=".length());
        List<Object[]> rows = List.of(
                new Object[] {"orders", 3, 7L, ""},
                new Object[] {"orders", 3, 8L, fits},
                new Object[] {"orders", 3, 9L, fits + "x"},
                new Object[] {"orders", 3, 10L, "\u00e9".repeat(125)},
                new Object[] {"orders", 3, 11L, "null"});
        List<String> warnings = new ArrayList<>();
        Partitioner.Assignment a = new Partitioner(List.of(REGION), warnings::add).assign(TableRows.of("t", cols, rows));
        List<String> dirs = new ArrayList<>();
        for (int r : a.rowDir()) {
            dirs.add(a.dirs().get(r));
        }
        String fallback = "region=" + Partitioner.DEFAULT_PARTITION;
        assertThat(dirs).containsExactly(fallback, "region=" + fits, fallback, fallback, "region=%6Eull");
        assertThat(warnings).containsExactly("table t: column region holds a value of 249 bytes (first in record orders/3@9),"
                + " too long for a partition directory name (region=<value> holds at most 255 bytes); such rows go to"
                + " partition region=__HIVE_DEFAULT_PARTITION__ and their files keep the value");
    }
}
