package io.sluice.sink.delta;

import io.sluice.sink.TableSinkConfig;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.storage.S3Settings;
import io.sluice.storage.StoreLocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code type: delta}.
 *
 * @param path               a local directory or {@code s3://bucket/prefix}; one Delta table per directory under it
 * @param tableTemplate      a table name, or a template with {@code {topic}} for one table per topic
 * @param partitionBy        the table's partition columns: a column itself, or a year/month/day/hour of a timestamp, which
 *                           becomes a column of its own named {@code <column>_<transform>}
 * @param targetFileSize     a data file is finished once it holds about this many bytes
 * @param commitInterval     written files are committed once the oldest uncommitted batch is this old
 * @param compression        the Parquet codec of data files
 * @param checkpointInterval a checkpoint every this many commits ({@code delta.checkpointInterval} of tables Sluice creates)
 * @param tableProperties    {@code table_properties:}, set on tables Sluice creates
 * @param mergeTopics        topics whose names the template maps to one table may share it
 * @param s3Settings         how to reach S3 ({@code s3:}); empty for AWS's defaults or a local path
 */
public record DeltaSinkConfig(StoreLocation path, String tableTemplate, List<PartitionField> partitionBy, long targetFileSize,
        Duration commitInterval, Compression compression, int checkpointInterval, Map<String, String> tableProperties,
        boolean mergeTopics, Optional<S3Settings> s3Settings) implements TableSinkConfig {
    static final long DEFAULT_TARGET_FILE_SIZE = 128L << 20;
    static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(60);
    static final int DEFAULT_CHECKPOINT_INTERVAL = 10;

    public DeltaSinkConfig {
        partitionBy = List.copyOf(partitionBy);
        tableProperties = Map.copyOf(tableProperties);
    }

    @Override
    public String location() {
        return path instanceof StoreLocation.Local l ? l.directory().toAbsolutePath().normalize().toString() : path.toString();
    }
}
