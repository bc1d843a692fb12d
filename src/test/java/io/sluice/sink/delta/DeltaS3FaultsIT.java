package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.it.FaultProxy;
import io.sluice.it.FaultProxy.Outage;
import io.sluice.it.TestS3;
import io.sluice.it.delta.DeltaTableReader;
import io.sluice.manifest.Secret;
import io.sluice.pipeline.SluiceException;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.Batch;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.S3Settings;
import io.sluice.storage.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Delta sink on S3 (S3Proxy) when the answer to a commit's conditional put of {@code _delta_log/N.json} is lost: the
 * commit is settled by reading the table back, never written twice, and a run after a failure continues from what the
 * table holds. Read back without Kernel ({@link DeltaTableReader} on a copy of the objects).
 */
class DeltaS3FaultsIT {
    private static final String TABLE = "events";
    private static final int ROWS = 3000;
    private static final TopicPartition P0 = new TopicPartition(TABLE, 0);
    private static final List<Column> COLUMNS = List.of(new Column("id", Scalar.BIGINT), new Column("bucket", Scalar.VARCHAR));

    private static TestS3 s3;

    @TempDir
    Path work;

    private String bucket;
    private FaultProxy proxy;

    @BeforeAll
    static void startS3() {
        s3 = TestS3.start();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void bucketAndProxy() throws Exception {
        bucket = "delta-faults-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        proxy = new FaultProxy(s3.endpoint());
    }

    @AfterEach
    void closeProxy() throws Exception {
        proxy.close();
    }

    @Test
    void aLostAnswerToTheCommitPutIsSettledByReadingTheTableNotByASecondCommit() throws Exception {
        try (DeltaSink sink = DeltaSink.open(config(), "pipe")) {
            sink.write(batch(0, 0, 100));
            assertThat(sink.flush()).isZero();
            sink.write(batch(1, 100, 1000));
            proxy.dropNextMatching(commitPut(), 1);
            assertThat(sink.flush()).isEqualTo(1);
            assertThat(proxy.dropped()).isEqualTo(1);
            sink.write(batch(2, 1000, ROWS));
            assertThat(sink.flush()).isEqualTo(2);
        }
        DeltaTableReader t = read();
        assertThat(t.version()).as("three commits, none twice").isEqualTo(2);
        assertEveryRowOnce(t);
    }

    @Test
    void whenTheCommitTookEffectButS3WentAwayTheRunFailsInSluicesWordsAndTheNextRunContinuesAfterIt() throws Exception {
        DeltaSink sink = DeltaSink.open(config(), "pipe");
        try {
            sink.write(batch(0, 0, 100));
            sink.flush();
            sink.write(batch(1, 100, ROWS));
            proxy.dropNextMatching(commitPut(), 1);
            proxy.outageFrom(line -> proxy.dropped() > 0, Outage.SLOW_DOWN);
            assertThatThrownBy(sink::flush).isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith("table events in s3://" + bucket + "/lake/events: commit failed:")
                    .hasMessageContaining("next run")
                    .hasMessageNotContaining("Exception");
            proxy.endOutage();
        } finally {
            sink.close();
        }
        try (DeltaSink next = DeltaSink.open(config(), "pipe")) {
            assertThat(next.positions()).containsExactly(new StoredPosition(position(ROWS), "pipe"));
        }
        assertEveryRowOnce(read());
    }

    private DeltaTableReader read() {
        Path copy = work.resolve("copy-" + UUID.randomUUID());
        s3.download(bucket, "lake/" + TABLE, copy);
        return DeltaTableReader.latest(copy);
    }

    private static void assertEveryRowOnce(DeltaTableReader t) {
        var r = t.reader();
        assertThat(r.scalar("SELECT count(*) FROM delta_table")).isEqualTo(ROWS);
        assertThat(r.scalar("SELECT count(DISTINCT id) FROM delta_table")).isEqualTo(ROWS);
        assertThat(r.scalar("SELECT max(id) FROM delta_table")).isEqualTo(ROWS - 1);
        assertThat(t.domainMetadata()).containsKey(PositionsDomain.DOMAIN);
        assertThat(t.domainMetadata().get(PositionsDomain.DOMAIN)).contains("\"next_offset\":" + ROWS);
    }

    private static Predicate<String> commitPut() {
        return line -> line.startsWith("PUT ") && line.matches(".*/" + TABLE + "/_delta_log/\\d{20}\\.json.*");
    }

    private static Batch batch(long seq, int from, int to) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new Object[] {(long) i, "b" + (i % 3)});
        }
        return new Batch(seq, List.of(TableRows.of(TABLE, COLUMNS, rows)), List.of(position(to)));
    }

    private static TablePosition position(long next) {
        return new TablePosition(TABLE, P0, next, Optional.of("topic-id-1"));
    }

    private DeltaSinkConfig config() {
        S3Settings settings = new S3Settings(Optional.of(proxy.endpoint()), "us-east-1", true,
                Optional.of(new Secret(s3.accessKey())), Optional.of(new Secret(s3.secretKey())));
        return new DeltaSinkConfig(new StoreLocation.S3(bucket, "lake"), "{topic}",
                List.of(new PartitionField("bucket", Transform.IDENTITY)), DeltaSinkConfig.DEFAULT_TARGET_FILE_SIZE,
                Duration.ofHours(1), Compression.ZSTD, 10, Map.of(), false, Optional.of(settings));
    }
}
