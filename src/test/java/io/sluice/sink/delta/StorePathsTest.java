package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.StoreLocation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorePathsTest {
    private final StorePaths local = new StorePaths(new StoreLocation.Local(Path.of("/data/out")));
    private final StorePaths s3 = new StorePaths(new StoreLocation.S3("bkt", "pre/fix"));

    @Test
    void aLocalKeyIsAFileUriAndEverySpellingOfItMapsBack() {
        assertThat(local.pathOf("orders/_delta_log/00000000000000000000.json"))
                .isEqualTo("file:/data/out/orders/_delta_log/00000000000000000000.json");
        assertThat(local.pathOf("")).isEqualTo("file:/data/out");
        for (String path : new String[] {"file:/data/out/orders/a b.json", "file:///data/out/orders/a b.json",
                "file://localhost/data/out/orders/a b.json", "/data/out/orders/a b.json", "FILE:/data/out//orders/./a b.json",
                "file:/data/out/x/../orders/a b.json"}) {
            assertThat(local.keyOf(path)).as(path).isEqualTo("orders/a b.json");
        }
        assertThat(local.keyOf("file:/data/out/")).isEmpty();
        assertThat(local.keyOf(local.pathOf("t/%20"))).isEqualTo("t/%20"); // not URI-escaped, as Kernel's paths
        assertThat(new StorePaths(new StoreLocation.Local(Path.of("/"))).pathOf("t/x")).isEqualTo("file:/t/x");
    }

    @Test
    void aLocalPathOutsideTheRootIsRefusedNamingBoth() {
        assertThatThrownBy(() -> local.keyOf("file:/data/outside/t/x"))
                .isInstanceOf(SluiceException.class)
                .hasMessage("cannot use file:/data/outside/t/x in the Delta table: it is outside file:/data/out, where this"
                        + " sink reads and writes")
                .satisfies(e -> assertThat(((SluiceException) e).stage()).isEqualTo(Stage.WRITE));
        assertThatThrownBy(() -> local.keyOf("file:/data/out/../etc/passwd")).hasMessageContaining("outside file:/data/out");
        assertThatThrownBy(() -> local.keyOf("file://nas/data/out/t")).hasMessageEndingWith("(it names host nas)");
        assertThatThrownBy(() -> local.keyOf("s3://bkt/pre/fix/t"))
                .hasMessageEndingWith("(it is not an absolute local path or file: URI)");
        assertThatThrownBy(() -> local.keyOf("orders/x")).hasMessageContaining("outside file:/data/out");
    }

    @Test
    void anS3KeyIsAnS3PathUnderTheBucketAndPrefix() {
        assertThat(s3.pathOf("orders/_delta_log/_last_checkpoint")).isEqualTo("s3://bkt/pre/fix/orders/_delta_log/_last_checkpoint");
        assertThat(s3.pathOf("")).isEqualTo("s3://bkt/pre/fix");
        assertThat(s3.keyOf("s3://bkt/pre/fix/orders/x.json")).isEqualTo("orders/x.json");
        assertThat(s3.keyOf("s3a://bkt/pre/fix//orders/./x.json")).isEqualTo("orders/x.json");
        assertThat(s3.keyOf("s3://bkt/pre/fix")).isEmpty();
        StorePaths bucketOnly = new StorePaths(new StoreLocation.S3("bkt", ""));
        assertThat(bucketOnly.pathOf("t/x")).isEqualTo("s3://bkt/t/x");
        assertThat(bucketOnly.keyOf("s3://bkt/t/x")).isEqualTo("t/x");
    }

    @Test
    void anS3PathOutsideTheBucketOrPrefixIsRefused() {
        assertThatThrownBy(() -> s3.keyOf("s3://bkt/pre/fixture/x"))
                .isInstanceOf(SluiceException.class)
                .hasMessage("cannot use s3://bkt/pre/fixture/x in the Delta table: it is outside s3://bkt/pre/fix, where this"
                        + " sink reads and writes");
        assertThatThrownBy(() -> s3.keyOf("s3://other/pre/fix/x")).hasMessageEndingWith("(it is in bucket other)");
        assertThatThrownBy(() -> s3.keyOf("s3://bkt/pre/fix/../../x")).hasMessageContaining("outside s3://bkt/pre/fix");
        assertThatThrownBy(() -> s3.keyOf("file:/pre/fix/x")).hasMessageEndingWith("(it is not an s3:// path)");
    }
}
