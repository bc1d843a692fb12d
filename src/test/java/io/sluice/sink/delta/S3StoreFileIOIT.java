package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.Snapshot;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.sluice.it.FaultProxy;
import io.sluice.it.TestS3;
import io.sluice.manifest.Secret;
import io.sluice.storage.ObjectStore;
import io.sluice.storage.S3Settings;
import io.sluice.storage.S3Store;
import io.sluice.storage.StoreLocation;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link StoreFileIO} over an {@link S3Store} on a real S3 API (S3Proxy): the common cases and a lost answer. */
class S3StoreFileIOIT extends StoreFileIOCases {
    private static TestS3 s3;
    private static String bucket;

    @BeforeAll
    static void start() {
        s3 = TestS3.start();
        bucket = "delta-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    StoreLocation freshLocation() {
        return new StoreLocation.S3(bucket, "tables/" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    ObjectStore open(StoreLocation location) {
        StoreLocation.S3 at = (StoreLocation.S3) location;
        return S3Store.open(s3.settings(), at.bucket(), at.prefix());
    }

    @Override
    String outsidePath() {
        return "s3://" + bucket + "-other/tables/t/_delta_log/" + version(0) + ".json";
    }

    @Override
    int racers() {
        return 3;
    }

    @Override
    int commitsPerRacer() {
        return 6;
    }

    @Test
    void aLostAnswerToACommitIsSettledByTheStoreReadingItBack() throws Exception {
        StoreLocation.S3 at = (StoreLocation.S3) freshLocation();
        try (FaultProxy proxy = new FaultProxy(s3.endpoint());
             S3Store store = S3Store.open(through(proxy), at.bucket(), at.prefix())) {
            StoreFileIO io = new StoreFileIO(store);
            Engine engine = DefaultEngine.create(io);
            String table = io.pathOf("t");
            KernelTables.create(engine, table, 10);
            KernelTables.append(engine, table, "app", 1, "a.parquet");
            proxy.dropNextMatching(line -> line.startsWith("PUT ") && line.contains("/_delta_log/" + version(2) + ".json"), 1);

            assertThat(KernelTables.append(engine, table, "app", 2, "b.parquet")).isEqualTo(2);
            assertThat(proxy.dropped()).as("the commit's answer was lost").isEqualTo(1);
            Snapshot after = KernelTables.latest(engine, table);
            assertThat(after.getVersion()).isEqualTo(2);
            assertThat(after.getLatestTransactionVersion(engine, "app")).contains(2L);
            assertThat(KernelTables.liveFiles(engine, after)).containsExactlyInAnyOrder("a.parquet", "b.parquet");
        }
    }

    private static S3Settings through(FaultProxy proxy) {
        return new S3Settings(Optional.of(proxy.endpoint()), "us-east-1", true,
                Optional.of(new Secret(s3.accessKey())), Optional.of(new Secret(s3.secretKey())));
    }
}
