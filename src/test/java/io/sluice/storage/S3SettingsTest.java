package io.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.manifest.ConfigNode.Parsed;
import io.sluice.manifest.ConfigNodes;
import io.sluice.manifest.Problem;
import io.sluice.manifest.Problems;
import io.sluice.manifest.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    private final Problems problems = new Problems();

    private S3Settings parse(String yaml) {
        return S3Settings.parse(ConfigNodes.of("sink.s3", yaml, Map.of("KEY_ID", "AKIAEXAMPLE", "SECRET", "s3cr3t-value"),
                problems));
    }

    private List<String> messages() {
        return problems.all().stream().map(Problem::toString).toList();
    }

    @Test
    void anEndpointImpliesPathStyleAndUsEast1() {
        S3Settings s = parse("endpoint: http://localhost:9000/\naccess_key_id: ${KEY_ID}\nsecret_access_key: ${SECRET}\n");
        assertThat(messages()).isEmpty();
        assertThat(s.endpoint()).contains(URI.create("http://localhost:9000"));
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.accessKeyId().map(Secret::reveal)).contains("AKIAEXAMPLE");
        assertThat(s.secretAccessKey().map(Secret::reveal)).contains("s3cr3t-value");
    }

    @Test
    void withoutAnEndpointTheDefaultChainDecides() {
        S3Settings s = parse("region: eu-central-1\n");
        assertThat(messages()).isEmpty();
        assertThat(s).isEqualTo(new S3Settings(Optional.empty(), "eu-central-1", false, Optional.empty(), Optional.empty()));
        assertThat(parse("{}")).isEqualTo(S3Settings.defaults());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        parse("""
                endpoint: ftp://host
                region: Not A Region
                path_style: maybe
                access_key_id: ${KEY_ID}
                secret_acces_key: x
                """);
        assertThat(messages()).containsExactlyInAnyOrder(
                "pipeline.yaml:1: sink.s3.endpoint: \"ftp://host\" is not an http or https URL with a host (example: http://localhost:9000)",
                "pipeline.yaml:2: sink.s3.region: \"Not A Region\" is not a region name (examples: us-east-1, eu-central-1)",
                "pipeline.yaml:3: sink.s3.path_style: \"maybe\" is not a boolean (allowed: true, false)",
                "pipeline.yaml:1: sink.s3.secret_access_key: required with access_key_id (give both, or neither to use the AWS credentials chain)",
                "pipeline.yaml:5: sink.s3.secret_acces_key: unknown key; did you mean secret_access_key?");
    }

    @Test
    void anEndpointWithAPathIsRefused() {
        parse("endpoint: http://minio:9000/bucket\n");
        assertThat(messages()).containsExactly("pipeline.yaml:1: sink.s3.endpoint: \"http://minio:9000/bucket\" must be only"
                + " scheme, host and port (the bucket and prefix go in path)");
    }

    @Test
    void secretsNeverPrint() {
        S3Settings s = parse("endpoint: https://s3.example.com\naccess_key_id: ${KEY_ID}\nsecret_access_key: ${SECRET}\n");
        assertThat(s.toString()).doesNotContain("AKIAEXAMPLE").doesNotContain("s3cr3t-value")
                .isEqualTo("S3Settings[endpoint=https://s3.example.com, region=us-east-1, pathStyle=true,"
                        + " credentials=access key **** / ****]");
    }

    @Test
    void locationsTellS3FromLocalPaths() {
        assertThat(StoreLocation.parse("s3://events-bucket/tables/events/").value())
                .isEqualTo(new StoreLocation.S3("events-bucket", "tables/events"));
        assertThat(StoreLocation.parse("s3://events-bucket").value()).isEqualTo(new StoreLocation.S3("events-bucket", ""));
        assertThat(StoreLocation.parse("out/events").value()).isEqualTo(new StoreLocation.Local(Path.of("out/events")));
        assertThat(StoreLocation.parse("file:///data/events").value()).isEqualTo(new StoreLocation.Local(Path.of("/data/events")));
        assertThat(StoreLocation.parse("s3://b-1/x").value().toString()).isEqualTo("s3://b-1/x");
    }

    @Test
    void aLeadingTildeIsTheHomeDirectoryAsInAShell() {
        Path home = Path.of(System.getProperty("user.home"));
        assertThat(StoreLocation.parse("~/lake").value()).isEqualTo(new StoreLocation.Local(home.resolve("lake")));
        assertThat(StoreLocation.parse("~").value()).isEqualTo(new StoreLocation.Local(home));
        assertThat(StoreLocation.parse("~bob/lake").value()).isEqualTo(new StoreLocation.Local(Path.of("~bob/lake")));
        assertThat(StoreLocation.parse("lake/~/x").value()).isEqualTo(new StoreLocation.Local(Path.of("lake/~/x")));
        assertThat(HomePaths.of("~/warehouse.duckdb")).isEqualTo(home.resolve("warehouse.duckdb"));
        // a folder that does not exist before ".." is no folder at all to the file system: normalized first
        assertThat(StoreLocation.parse("lake dir/../lake").value()).isEqualTo(new StoreLocation.Local(Path.of("lake")));
    }

    @Test
    void badLocationsSayWhatIsAllowed() {
        assertThat(error("s3://")).isEqualTo("has no bucket (expected s3://bucket or s3://bucket/prefix)");
        assertThat(error("s3:///prefix")).isEqualTo("has no bucket (expected s3://bucket or s3://bucket/prefix)");
        assertThat(error("s3a://bucket/p")).isEqualTo("uses Hadoop's s3a:// scheme; write s3://bucket/p");
        assertThat(error("gs://bucket/p")).startsWith("uses gs://, which Sluice cannot write to (allowed: a local directory or s3://bucket/prefix");
        assertThat(error("s3://Bad_Bucket/p")).startsWith("names bucket \"Bad_Bucket\", which is not a valid bucket name");
        assertThat(error("s3://bucket/a//b")).isEqualTo("has an empty folder name in the prefix (\"//\")");
        assertThat(error("s3://bucket/a/../b")).startsWith("has a prefix with a '.', '..' or reserved");
        assertThat(error("  ")).startsWith("is empty");
    }

    @Test
    void aLocalLocationOpensALocalStore() {
        try (ObjectStore local = ObjectStores.open(StoreLocation.parse("out/events").value(), Optional.empty())) {
            assertThat(local).isInstanceOf(LocalStore.class);
            assertThat(local.describe("a")).isEqualTo(Path.of("out/events/a").toAbsolutePath().toString());
        }
    }

    private static String error(String raw) {
        Parsed<StoreLocation> p = StoreLocation.parse(raw);
        assertThat(p.value()).as(raw).isNull();
        return p.error();
    }
}
