package io.sluice.storage;

import io.sluice.manifest.ConfigNode;
import io.sluice.manifest.ConfigNode.Parsed;
import io.sluice.manifest.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach S3 or an S3-compatible store: the manifest's {@code s3:} block of a file sink.
 *
 * @param endpoint        an S3-compatible endpoint such as {@code http://localhost:9000}; empty for AWS itself
 * @param region          the signing region; "" lets the AWS default chain decide (AWS_REGION, ~/.aws/config, ...)
 * @param pathStyle       {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param accessKeyId     with {@code secretAccessKey}, static credentials; both empty means the AWS default chain
 * @param secretAccessKey see {@code accessKeyId}
 */
public record S3Settings(Optional<URI> endpoint, String region, boolean pathStyle, Optional<Secret> accessKeyId,
                         Optional<Secret> secretAccessKey) {
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public S3Settings {
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException("access key id and secret access key go together");
        }
    }

    /** AWS itself, with the default credentials chain and region. */
    public static S3Settings defaults() {
        return new S3Settings(Optional.empty(), "", false, Optional.empty(), Optional.empty());
    }

    /**
     * Reads an {@code s3:} mapping, reporting every problem on {@code node} (and its unknown keys, through
     * {@link ConfigNode#finish}); never throws for bad input, returning the defaults for what could not be read.
     */
    public static S3Settings parse(ConfigNode node) {
        Optional<URI> endpoint = node.parsed("endpoint", S3Settings::endpoint);
        boolean custom = node.has("endpoint");
        String region = node.string("region").map(String::strip).orElse(custom ? "us-east-1" : "");
        if (node.has("region") && !REGION.matcher(region).matches()) {
            node.error("region", "\"" + region + "\" is not a region name (examples: us-east-1, eu-central-1)");
            region = custom ? "us-east-1" : "";
        }
        boolean pathStyle = node.bool("path_style", custom);
        Optional<Secret> id = secret(node, "access_key_id");
        Optional<Secret> key = secret(node, "secret_access_key");
        if (id.isPresent() != key.isPresent()) {
            String missing = id.isPresent() ? "secret_access_key" : "access_key_id";
            String given = id.isPresent() ? "access_key_id" : "secret_access_key";
            node.error(missing, "required with " + given + " (give both, or neither to use the AWS credentials chain)");
            id = Optional.empty();
            key = Optional.empty();
        }
        node.finish();
        return new S3Settings(endpoint, region, pathStyle, id, key);
    }

    private static Optional<Secret> secret(ConfigNode node, String k) {
        Optional<Secret> s = node.secret(k);
        if (s.isPresent() && s.get().reveal().isBlank()) {
            node.error(k, "must not be empty");
            return Optional.empty();
        }
        return s;
    }

    private static Parsed<URI> endpoint(String raw) {
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            return Parsed.fail("is not a URL (example: http://localhost:9000)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return Parsed.fail("is not an http or https URL with a host (example: http://localhost:9000)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            return Parsed.fail("must be only scheme, host and port (the bucket and prefix go in path)");
        }
        return Parsed.ok(URI.create(scheme + "://" + uri.getRawAuthority()));
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint.map(URI::toString).orElse("AWS") + ", region="
                + (region.isEmpty() ? "(default chain)" : region) + ", pathStyle=" + pathStyle + ", credentials="
                + (accessKeyId.isPresent() ? "access key **** / ****" : "(default chain)") + "]";
    }
}
