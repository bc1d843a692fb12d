package io.sluice.sink.parquet;

import io.sluice.sink.TableSinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import io.sluice.storage.S3Settings;
import io.sluice.storage.StoreLocation;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * @param path            a local directory or {@code s3://bucket/prefix}; one directory per table under it
 * @param tableTemplate   a table name, or a template with {@code {topic}} for one table per topic
 * @param partitionBy     Hive-style partition directories, outermost first
 * @param targetFileSize  a data file is finished once it holds about this many bytes ({@code target_file_size})
 * @param commitInterval  written files are committed once the oldest uncommitted batch is this old
 * @param compression     the Parquet codec
 * @param mergeTopics     topics whose names the template maps to one table may share it
 * @param s3Settings      how to reach S3 ({@code s3:}); empty for AWS's defaults or a local path
 */
public record ParquetSinkConfig(StoreLocation path, String tableTemplate, List<PartitionField> partitionBy, long targetFileSize,
        Duration commitInterval, Compression compression, boolean mergeTopics, Optional<S3Settings> s3Settings)
        implements TableSinkConfig {
    static final long DEFAULT_TARGET_FILE_SIZE = 128L << 20;
    static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(60);

    public ParquetSinkConfig {
        partitionBy = List.copyOf(partitionBy);
    }

    /** One {@code partition_by} entry: a column and how its value becomes a directory name. */
    public record PartitionField(String column, Transform transform) {
        /** The directory name's key: {@code column} for identity, {@code column_day} for a day transform. */
        public String dirName() {
            return transform == Transform.IDENTITY ? column : column + "_" + transform.name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Transform { IDENTITY, YEAR, MONTH, DAY, HOUR }

    public enum Compression {
        ZSTD(CompressionCodecName.ZSTD), SNAPPY(CompressionCodecName.SNAPPY), GZIP(CompressionCodecName.GZIP),
        NONE(CompressionCodecName.UNCOMPRESSED);

        public final CompressionCodecName codec;

        Compression(CompressionCodecName codec) {
            this.codec = codec;
        }
    }

    boolean s3() {
        return path instanceof StoreLocation.S3;
    }

    @Override
    public String location() {
        return path instanceof StoreLocation.Local l ? l.directory().toAbsolutePath().normalize().toString() : path.toString();
    }
}
