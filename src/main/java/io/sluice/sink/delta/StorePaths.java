package io.sluice.sink.delta;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.StoreLocation;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/**
 * The full paths Delta Kernel names files by, as keys of one store and back: {@code file:/dir/key} for a directory,
 * {@code s3://bucket/prefix/key} for S3. Kernel's path strings are not URI-escaped (a space is a space), so neither are
 * these. A local path may also come as {@code file:///dir/key}, {@code file://localhost/dir/key} or {@code /dir/key}, an
 * S3 one with Hadoop's {@code s3a://} or {@code s3n://}; '.', '..' and repeated '/' are resolved first.
 */
final class StorePaths {
    private static final Set<String> S3_SCHEMES = Set.of("s3", "s3a", "s3n");

    private final StoreLocation root;
    private final String rootPath;

    StorePaths(StoreLocation root) {
        this.root = root;
        this.rootPath = root instanceof StoreLocation.Local l
                ? "file:" + l.directory().toAbsolutePath().normalize()
                : root.toString();
    }

    /** The full path of {@code key}; "" is the root. */
    String pathOf(String key) {
        if (key.isEmpty()) {
            return rootPath;
        }
        return rootPath.endsWith("/") ? rootPath + key : rootPath + "/" + key;
    }

    /**
     * The key that {@code path} names ("" for the root itself); fails (stage WRITE) naming the path and the root when
     * the path is not under the root.
     */
    String keyOf(String path) {
        return root instanceof StoreLocation.Local l
                ? localKey(path, l.directory().toAbsolutePath().normalize())
                : s3Key(path, (StoreLocation.S3) root);
    }

    private String localKey(String path, Path dir) {
        String rest = path;
        if (path.regionMatches(true, 0, "file:", 0, 5)) {
            rest = path.substring(5);
            if (rest.startsWith("//")) {
                int slash = rest.indexOf('/', 2);
                String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
                if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
                    throw outside(path, "it names host " + authority);
                }
                rest = slash < 0 ? "/" : rest.substring(slash);
            }
        }
        if (!rest.startsWith("/")) {
            throw outside(path, "it is not an absolute local path or file: URI");
        }
        Path p;
        try {
            p = Path.of(rest).normalize();
        } catch (InvalidPathException e) {
            throw outside(path, "it is not a valid path (" + e.getReason() + ")");
        }
        if (!p.startsWith(dir)) {
            throw outside(path, null);
        }
        return dir.relativize(p).toString().replace('\\', '/');
    }

    private String s3Key(String path, StoreLocation.S3 s3) {
        int sep = path.indexOf("://");
        String scheme = sep < 0 ? "" : path.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!S3_SCHEMES.contains(scheme)) {
            throw outside(path, "it is not an s3:// path");
        }
        String rest = path.substring(sep + 3);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (!bucket.equals(s3.bucket())) {
            throw outside(path, "it is in bucket " + bucket);
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : (slash < 0 ? "" : rest.substring(slash + 1)).split("/")) {
            if (segment.equals("..")) {
                if (segments.pollLast() == null) {
                    throw outside(path, null);
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        String key = String.join("/", segments);
        String prefix = s3.prefix();
        if (prefix.isEmpty() || key.equals(prefix)) {
            return prefix.isEmpty() ? key : "";
        }
        if (!key.startsWith(prefix + "/")) {
            throw outside(path, null);
        }
        return key.substring(prefix.length() + 1);
    }

    private SluiceException outside(String path, String why) {
        return new SluiceException(Stage.WRITE, "cannot use " + path + " in the Delta table: it is outside " + rootPath
                + ", where this sink reads and writes" + (why == null ? "" : " (" + why + ")"));
    }
}
