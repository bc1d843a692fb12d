package io.sluice.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.it.FaultProxy;
import io.sluice.it.FaultProxy.Outage;
import io.sluice.it.TestS3;
import io.sluice.manifest.Secret;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.Column;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.Batch;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.sink.TableRows;
import io.sluice.sink.parquet.LedgerEntry.DataFile;
import io.sluice.sink.parquet.LedgerEntry.Kind;
import io.sluice.sink.parquet.ParquetSinkConfig.Compression;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import io.sluice.storage.ObjectStore;
import io.sluice.storage.ObjectStores;
import io.sluice.storage.S3Settings;
import io.sluice.storage.StoreLocation;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet sink on S3 (S3Proxy checking signatures) when S3 fails under it: a {@link FaultProxy} in front of S3Proxy
 * throttles, cuts connections mid-upload and loses responses, in the middle of a flush. What the sink wrote is then read
 * back around the proxy, straight from S3Proxy: the ledger must list only files that exist and are complete Parquet
 * files, and a sink opened after the fault must end, rewriting from its stored positions as a pipeline does, with every
 * row exactly once. The sink's retry policy is the default one (6 attempts, some seconds), as in a real run.
 */
class ParquetS3FaultsIT {
    private static final String PREFIX = "lake";
    private static final String TABLE = "events";
    private static final int ROWS = 6000;
    private static final TopicPartition P0 = new TopicPartition(TABLE, 0);
    private static final List<Column> COLUMNS = List.of(new Column("id", Scalar.BIGINT), new Column("bucket", Scalar.VARCHAR),
            new Column("name", Scalar.VARCHAR));

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
        bucket = "faults-" + UUID.randomUUID().toString().substring(0, 12);
        s3.createBucket(bucket);
        proxy = new FaultProxy(s3.endpoint());
    }

    @AfterEach
    void closeProxy() throws Exception {
        proxy.close();
    }

    @Test
    void throttlingAtTheLedgerPutFailsTheFlushNamingTheKeyAndTheNextRunRemovesTheOrphansAndLoadsEachRowOnce()
            throws Exception {
        ParquetSink sink = ParquetSink.open(throughProxy(), "pipe");
        try {
            sink.write(batch(0, 0, 100));
            assertThat(sink.flush()).isZero();
            sink.write(batch(1, 100, ROWS));
            proxy.outageFrom(ledgerPut(), Outage.SLOW_DOWN);
            assertThatThrownBy(sink::flush)
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.COMMIT))
                    .hasMessage(commitFailed())
                    .satisfies(this::inSluicesWords);
            assertThat(uploadsOfDataFiles()).as("the flush placed its files before it tried the commit").isEqualTo(4 + 4);
            assertConsistentLedger(0);
        } finally {
            sink.close(); // still in the outage: the pipeline closes a sink that failed
        }
        assertThat(dataFilesInS3()).as("orphans wait for the next run").hasSize(4 + 4);
        proxy.endOutage();
        rerun();
        assertThat(dataFilesInS3()).as("the next run removed the orphans").isEqualTo(committedFiles());
        assertEveryRowOnce();
    }

    @Test
    void aNewTableWhoseFirstCommitFailedKeepsNoFilesOnceTheNextRunHasCommittedIt() throws Exception {
        ParquetSink sink = ParquetSink.open(throughProxy(), "pipe");
        try {
            sink.write(batch(0, 0, ROWS));
            proxy.outageFrom(ledgerPut(), Outage.SLOW_DOWN);
            assertThatThrownBy(sink::flush).isInstanceOf(SluiceException.class)
                    .hasMessage("table events: commit failed: s3://" + bucket + "/lake/events/_sluice/ledger/"
                            + "00000000000000000000.json: create-if-absent failed: 503 SlowDown after 6 attempts (Please"
                            + " reduce your request rate.). Nothing is committed to the table unless entry 0 was created before"
                            + " the answer was lost; the next run reads which, continues from there and removes the files no"
                            + " entry lists");
        } finally {
            sink.close();
        }
        assertThat(entries()).isEmpty();
        assertThat(dataFilesInS3()).hasSize(4);
        proxy.endOutage();
        rerun();
        assertThat(dataFilesInS3()).as("the first commit removed what the failed attempt left").isEqualTo(committedFiles())
                .hasSize(4);
        assertEveryRowOnce();
    }

    @Test
    void aConnectionCutInTheMiddleOfAnUploadFailsTheFlushNamingTheFileAndNothingOfItIsCommitted() throws Exception {
        ParquetSink sink = ParquetSink.open(throughProxy(), "pipe");
        try {
            sink.write(batch(0, 0, 100));
            sink.flush();
            sink.write(batch(1, 100, ROWS));
            AtomicInteger uploads = new AtomicInteger();
            // the flush's second file: one is in place, and the upload of the next is cut half way
            proxy.outageFrom(line -> dataFileUpload().test(line) && uploads.incrementAndGet() == 2, Outage.CUT);
            assertThatThrownBy(sink::flush)
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.WRITE))
                    .hasMessageMatching("s3://" + bucket + "/lake/events/bucket=b[0-3]/part-00000000000000000001-[0-9a-f]{8}-[0-9]"
                            + "\\.parquet: upload failed: connection to S3 endpoint " + proxy.endpoint() + " was closed before it"
                            + " answered after 6 attempts")
                    .satisfies(this::inSluicesWords);
            assertThat(proxy.failed()).isEqualTo(6);
            assertConsistentLedger(0);
        } finally {
            sink.close();
        }
        proxy.endOutage();
        assertConsistentLedger(0);
        rerun();
        assertThat(dataFilesInS3()).isEqualTo(committedFiles());
        assertEveryRowOnce();
    }

    @Test
    void aLostResponseOfTheLedgerPutIsResolvedByReadingItBackNotByASecondEntryOrAFence() throws Exception {
        try (ParquetSink sink = ParquetSink.open(throughProxy(), "pipe")) {
            sink.write(batch(0, 0, 100));
            proxy.dropNextMatching(ledgerPut(), 1);
            assertThat(sink.flush()).isZero();
            assertThat(proxy.dropped()).isEqualTo(1);
            assertThat(proxy.requests().stream().filter(ledgerPut()).count()).as("the put, and its retry answered 412")
                    .isEqualTo(2);
            assertThat(entries()).extracting(LedgerEntry::seq, LedgerEntry::kind).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(0L, Kind.COMMIT));
            sink.write(batch(1, 100, ROWS));
            assertThat(sink.flush()).isEqualTo(1);
        }
        assertThat(entries()).extracting(LedgerEntry::seq).containsExactly(0L, 1L);
        assertThat(entries()).allSatisfy(e -> assertThat(e.kind()).isEqualTo(Kind.COMMIT));
        assertConsistentLedger(1);
        assertEveryRowOnce();
    }

    @Test
    void whenTheLedgerPutTookEffectButNoAnswerCameTheFailedSinkKeepsItsFilesAndTheNextRunContinuesAfterThem()
            throws Exception {
        ParquetSink sink = ParquetSink.open(throughProxy(), "pipe");
        try {
            sink.write(batch(0, 0, 100));
            sink.flush();
            sink.write(batch(1, 100, ROWS));
            proxy.dropNextMatching(ledgerPut(), 1);
            proxy.outageFrom(line -> proxy.dropped() > 0, Outage.SLOW_DOWN); // the network goes right after the put
            assertThatThrownBy(sink::flush).isInstanceOf(SluiceException.class).hasMessage(commitFailed());
            proxy.endOutage();
        } finally {
            sink.close(); // S3 is back: the files the entry lists must survive the failed writer's clean-up
        }
        assertThat(entries()).extracting(LedgerEntry::seq).containsExactly(0L, 1L);
        assertConsistentLedger(1);
        try (ParquetSink next = ParquetSink.open(throughProxy(), "pipe")) {
            assertThat(next.positions()).containsExactly(new StoredPosition(position(ROWS), "pipe"));
        }
        rerun();
        assertEveryRowOnce();
    }

    private String commitFailed() {
        return "table events: commit failed: s3://" + bucket + "/lake/events/_sluice/ledger/00000000000000000001.json:"
                + " create-if-absent failed: 503 SlowDown after 6 attempts (Please reduce your request rate.). The table stays"
                + " at ledger entry 0 unless entry 1 was created before the answer was lost; the next run reads which,"
                + " continues from there and removes the files no entry lists";
    }

    // --- the pipeline's part, and reading what is in S3 around the proxy

    /** Opens a sink as a new run does, writes what its stored position says is missing, and flushes. */
    private void rerun() {
        try (ParquetSink sink = ParquetSink.open(throughProxy(), "pipe")) {
            long next = sink.positions().stream().filter(p -> p.position().partition().equals(P0))
                    .mapToLong(p -> p.position().nextOffset()).findFirst().orElse(0);
            if (next < ROWS) {
                sink.write(batch(0, (int) next, ROWS));
                sink.flush();
            }
        }
    }

    private static Batch batch(long seq, int from, int to) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new Object[] {(long) i, "b" + (i % 4), "name-" + UUID.nameUUIDFromBytes(("r" + i).getBytes())});
        }
        return new Batch(seq, List.of(TableRows.of(TABLE, COLUMNS, rows)), List.of(position(to)));
    }

    private static TablePosition position(long next) {
        return new TablePosition(TABLE, P0, next, Optional.of("topic-id-1"));
    }

    private ParquetSinkConfig throughProxy() {
        return config(new S3Settings(Optional.of(proxy.endpoint()), "us-east-1", true, Optional.of(new Secret(s3.accessKey())),
                Optional.of(new Secret(s3.secretKey()))));
    }

    private ParquetSinkConfig config(S3Settings settings) {
        return new ParquetSinkConfig(new StoreLocation.S3(bucket, PREFIX), "{topic}",
                List.of(new PartitionField("bucket", Transform.IDENTITY)), ParquetSinkConfig.DEFAULT_TARGET_FILE_SIZE,
                Duration.ofHours(1), Compression.ZSTD, false, Optional.of(settings));
    }

    private ObjectStore direct() {
        return ObjectStores.open(new StoreLocation.S3(bucket, PREFIX), Optional.of(s3.settings()));
    }

    private static Predicate<String> ledgerPut() {
        return line -> line.startsWith("PUT ") && line.contains("/" + TABLE + "/_sluice/ledger/");
    }

    private static Predicate<String> dataFileUpload() {
        return line -> line.startsWith("PUT ") && line.contains(".parquet");
    }

    private long uploadsOfDataFiles() {
        return proxy.requests().stream().filter(dataFileUpload()).distinct().count();
    }

    private List<LedgerEntry> entries() {
        try (ObjectStore store = direct()) {
            List<LedgerEntry> out = new ArrayList<>();
            for (String k : store.list(Ledger.dir(TABLE))) {
                long seq = Long.parseLong(k.substring(Ledger.dir(TABLE).length(), k.length() - ".json".length()));
                out.add(Ledger.entry(store, TABLE, seq).orElseThrow());
            }
            return out;
        }
    }

    private List<String> dataFilesInS3() {
        try (ObjectStore store = direct()) {
            return store.list(TABLE + "/").stream().filter(k -> k.endsWith(".parquet")).toList();
        }
    }

    private List<String> committedFiles() {
        try (Ledgers l = Ledgers.read(config(s3.settings()))) {
            return l.committedFiles(TABLE);
        }
    }

    /**
     * The ledger's newest entry is {@code newestSeq}, and every file a commit lists is in S3, whole: DuckDB reads as many
     * rows from it as the entry says, and it has the entry's size.
     */
    private void assertConsistentLedger(long newestSeq) throws Exception {
        List<LedgerEntry> entries = entries();
        assertThat(entries).isNotEmpty();
        assertThat(entries.get(entries.size() - 1).seq()).as("the newest ledger entry").isEqualTo(newestSeq);
        Path copy = work.resolve("copy");
        s3.download(bucket, PREFIX + "/" + TABLE, copy);
        for (LedgerEntry e : entries) {
            for (DataFile f : e.files()) {
                Path file = copy.resolve(f.key().substring(TABLE.length() + 1));
                assertThat(file).as("%s, listed by ledger entry %d", f.key(), e.seq()).isRegularFile();
                assertThat(Files.size(file)).as("size of %s", f.key()).isEqualTo(f.bytes());
                assertThat(query("SELECT count(*) FROM read_parquet('" + file + "')")).as("rows of %s", f.key())
                        .containsExactly(List.of(f.rows()));
            }
        }
    }

    /** The committed files hold each of the rows 0..ROWS-1 exactly once, and the positions say ROWS. */
    private void assertEveryRowOnce() throws Exception {
        List<String> files = committedFiles();
        Path copy = work.resolve("copy");
        s3.download(bucket, PREFIX + "/" + TABLE, copy);
        StringBuilder list = new StringBuilder();
        for (String f : files) {
            list.append(list.isEmpty() ? "" : ", ").append('\'').append(copy.resolve(f.substring(TABLE.length() + 1))).append('\'');
        }
        assertThat(query("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM read_parquet([" + list + "])"))
                .containsExactly(List.of((long) ROWS, (long) ROWS, 0L, (long) ROWS - 1));
        try (Ledgers l = Ledgers.read(config(s3.settings()))) {
            assertThat(l.positions()).containsExactly(new StoredPosition(position(ROWS), "pipe"));
        }
    }

    private void inSluicesWords(Throwable e) {
        assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("software.amazon").doesNotContain("apache")
                .doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
    }

    private static List<List<Object>> query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }
}
