package io.sluice.storage;

import io.sluice.manifest.ConfigNode.Parsed;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where a file sink writes, as its manifest {@code path:} says: a local directory or an S3 bucket and prefix. */
public sealed interface StoreLocation {

    /** A directory on local disk. */
    record Local(Path directory) implements StoreLocation {
        /** {@code a/../b} is {@code b}: the sink, its queries and its checks must all mean the same directory. */
        public Local {
            directory = directory.normalize();
        }
    }

    /** A bucket and a prefix inside it ("" for the whole bucket; no leading or trailing '/'). */
    record S3(String bucket, String prefix) implements StoreLocation {
        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }

    Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /**
     * Tells {@code s3://bucket/prefix} from a local path ({@code file:} URIs included). The error, for
     * {@link io.sluice.manifest.ConfigNode#parsed}, says what is wrong and what is allowed.
     */
    static Parsed<StoreLocation> parse(String raw) {
        String path = raw.strip();
        if (path.isEmpty()) {
            return Parsed.fail("is empty (a local directory or s3://bucket/prefix)");
        }
        int sep = path.indexOf("://");
        String scheme = sep > 0 ? path.substring(0, sep).toLowerCase(Locale.ROOT) : "";
        switch (scheme) {
            case "":
                return local(path);
            case "s3":
                return s3(path.substring(sep + 3));
            case "file":
                try {
                    return Parsed.ok(new Local(Path.of(URI.create(path))));
                } catch (IllegalArgumentException e) {
                    return Parsed.fail("is not a valid file: URI (example: file:///data/events)");
                }
            case "s3a":
            case "s3n":
                return Parsed.fail("uses Hadoop's " + scheme + ":// scheme; write s3://" + path.substring(sep + 3));
            case "gs":
            case "gcs":
            case "abfs":
            case "abfss":
            case "wasb":
            case "wasbs":
            case "az":
            case "hdfs":
                return Parsed.fail("uses " + scheme + "://, which Sluice cannot write to (allowed: a local directory or "
                        + "s3://bucket/prefix, also for S3-compatible stores through s3.endpoint)");
            default:
                return Parsed.fail("uses an unknown scheme " + scheme + ":// (allowed: a local directory or s3://bucket/prefix)");
        }
    }

    private static Parsed<StoreLocation> s3(String rest) {
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            return Parsed.fail("has no bucket (expected s3://bucket or s3://bucket/prefix)");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            return Parsed.fail("names bucket \"" + bucket + "\", which is not a valid bucket name (3 to 63 lower-case "
                    + "letters, digits, '.' and '-')");
        }
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (prefix.startsWith("/") || prefix.contains("//")) {
            return Parsed.fail("has an empty folder name in the prefix (\"//\")");
        }
        if (prefix.contains("?") || prefix.contains("#")) {
            return Parsed.fail("must not contain '?' or '#' (expected s3://bucket/prefix)");
        }
        if (!prefix.isEmpty()) {
            try {
                Keys.check(prefix);
            } catch (IllegalArgumentException e) {
                return Parsed.fail("has a prefix with a '.', '..' or reserved (" + Keys.RESERVED + "...) folder name");
            }
        }
        return Parsed.ok(new S3(bucket, prefix));
    }

    private static Parsed<StoreLocation> local(String path) {
        try {
            return Parsed.ok(new Local(HomePaths.of(path)));
        } catch (InvalidPathException e) {
            return Parsed.fail("is not a valid path: " + e.getReason());
        }
    }
}
