package io.sluice.it.contract;

import io.sluice.it.TestS3;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The sink contract for {@code type: delta} on S3 (S3Proxy checking signatures): every log entry is created with a
 * conditional put. The reader copies the table's objects out through the S3 API and reads the copy as on disk.
 */
class DeltaS3ContractIT extends DeltaContractIT {
    private static final String BUCKET = "delta-contract";
    private static TestS3 s3;

    @BeforeAll
    static void startS3() {
        s3 = TestS3.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected String sinkBlock(Path work) {
        return """
                sink:
                  type: delta
                  path: s3://%s/lake
                  table: "{topic}"
                  commit_interval_ms: 300
                  s3: {endpoint: "%s", region: us-east-1, path_style: true, access_key_id: "${S3_KEY}", secret_access_key: "${S3_SECRET}"}
                """.formatted(BUCKET, s3.endpoint());
    }

    @Override
    protected Map<String, String> environment(Path work) {
        return Map.of("S3_KEY", s3.accessKey(), "S3_SECRET", s3.secretKey());
    }

    @Override
    protected Path tableDir(Path work, String table) {
        Path copy = work.resolve("s3-copy").resolve(table);
        s3.download(BUCKET, "lake/" + table, copy);
        return copy;
    }

    @Override
    protected void wipe(Path work) {
        s3.deletePrefix(BUCKET, "lake/");
    }
}
