package io.sluice.sink.parquet;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.sink.TableRows;
import io.sluice.storage.LocalStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file being written in the staging directory, bound for {@link #key} once finished. Shared with the Delta
 * sink, whose files name their columns by Delta's column mapping and leave partition columns out.
 */
public final class PartFile {
    /** How often (in rows) the writer's size is compared with the target. */
    static final int SIZE_CHECK_ROWS = 1024;

    public final String key;
    public final Path staging;
    final List<Column> columns;
    private final ParquetWriter<RowWriteSupport.Cursor> writer;
    private final RowWriteSupport.Cursor cursor = new RowWriteSupport.Cursor();
    private long rows;
    private int sinceCheck;

    private PartFile(String key, Path staging, List<Column> columns, ParquetWriter<RowWriteSupport.Cursor> writer) {
        this.key = key;
        this.staging = staging;
        this.columns = columns;
        this.writer = writer;
    }

    static PartFile create(String key, Path staging, List<Column> columns, CompressionCodecName codec, long targetSize,
            Map<String, String> metadata) {
        return create(key, staging, new RowWriteSupport(columns, metadata), columns, codec, targetSize);
    }

    /**
     * A file of the rows' columns {@code source[i]} as the columns of {@code schema} (made from them by
     * {@link ParquetSchemas#message(List, ParquetSchemas.FieldNaming)}).
     */
    public static PartFile create(String key, Path staging, MessageType schema, List<Column> columns, int[] source,
            CompressionCodecName codec, long targetSize, Map<String, String> metadata) {
        return create(key, staging, new RowWriteSupport(schema, columns, source, metadata), columns, codec, targetSize);
    }

    private static PartFile create(String key, Path staging, RowWriteSupport support, List<Column> columns,
            CompressionCodecName codec, long targetSize) {
        try {
            ParquetWriter<RowWriteSupport.Cursor> w = new Builder(new LocalOutputFile(staging), support)
                    .withConf(new PlainParquetConfiguration())
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(codec)
                    .withRowGroupSize(Math.min(targetSize, 128L << 20))
                    .build();
            return new PartFile(key, staging, columns, w);
        } catch (IOException | RuntimeException e) {
            throw new SluiceException(Stage.WRITE, "cannot create Parquet file " + staging + " (for " + key + "): " + cause(e), e);
        }
    }

    public long rows() {
        return rows;
    }

    /** Writes one row; returns true when the file has reached {@code targetSize} and should be finished. */
    public boolean write(TableRows from, int row, long targetSize) {
        cursor.rows = from;
        cursor.row = row;
        try {
            writer.write(cursor);
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot write Parquet file " + staging + " (for " + key + "): " + cause(e), e);
        }
        rows++;
        if (++sinceCheck >= SIZE_CHECK_ROWS) {
            sinceCheck = 0;
            return writer.getDataSize() >= targetSize;
        }
        return false;
    }

    /**
     * About how many bytes this file holds in memory: its open row group, not yet written to the staging file. Asked once
     * per batch, not per row (it reads the staging file's size).
     */
    public long buffered() {
        try {
            return Math.max(0, writer.getDataSize() - Files.size(staging));
        } catch (IOException e) {
            return writer.getDataSize();
        }
    }

    /** Writes the footer and closes the file; returns its size in bytes. */
    public long finish() {
        try {
            writer.close();
            cursor.rows = null;
            return Files.size(staging);
        } catch (IOException | RuntimeException e) {
            throw new SluiceException(Stage.WRITE, "cannot finish Parquet file " + staging + " (for " + key + "): " + cause(e), e);
        }
    }

    /** The finished file's footer: its schema, row groups and column statistics. Only after {@link #finish}. */
    public ParquetMetadata footer() {
        return writer.getFooter();
    }

    /** Gives up on the file (discarded batches); best effort. */
    public void abandon() {
        try {
            writer.close();
        } catch (IOException | RuntimeException ignored) {
            // the file is deleted next
        }
        try {
            Files.deleteIfExists(staging);
        } catch (IOException ignored) {
            // the staging directory is only ever read by this writer
        }
    }

    /** What failed, in plain words: the file system's cause ("disk full") when there is one under the writer's error. */
    private static String cause(Exception e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException io) {
                return LocalStore.cause(io);
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static final class Builder extends ParquetWriter.Builder<RowWriteSupport.Cursor, Builder> {
        private final RowWriteSupport support;

        Builder(LocalOutputFile file, RowWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<RowWriteSupport.Cursor> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<RowWriteSupport.Cursor> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }
}
