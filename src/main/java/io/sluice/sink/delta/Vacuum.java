package io.sluice.sink.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.TableMaintenance.Vacuumed;
import io.sluice.storage.ObjectInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice table vacuum} for one table: deletes the files under the table's directory (its log and Sluice's own
 * folder aside) that no version of the last {@code retain} references and that are older than that. The versions of
 * the window are the one that was current when it began (the newest at or before {@code now - retain}) and every one
 * since: a file is kept when it is live in the first or added by any later commit, which covers every file a reader
 * travelling back within the window can need, files removed by a compaction meanwhile included. Files no version
 * references but younger than the window are kept too: a writer may be about to commit them.
 */
final class Vacuum {
    static final String RETENTION = "delta.deletedFileRetentionDuration";
    static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    private static final Pattern INTERVAL_PART = Pattern.compile("(\\d+)\\s*([a-z]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeltaStore delta;
    private final Clock clock;

    Vacuum(DeltaStore delta, Clock clock) {
        this.delta = delta;
        this.clock = clock;
    }

    Vacuumed run(String table, Duration retain, boolean dryRun, boolean force) {
        Snapshot current = DeltaTables.load(delta, table).orElseThrow(() -> new SluiceException(Stage.WRITE,
                "no Delta table " + table + " in " + delta.store.describe(table)));
        Duration minimum = retention(table, current.getTableProperties().get(RETENTION));
        if (retain.compareTo(minimum) < 0 && !force) {
            throw new CheckFailedException(Stage.WRITE, "table " + table + " in " + delta.store.describe(table)
                    + ": a retention of " + describe(retain) + " is below the table's " + RETENTION + " ("
                    + describe(minimum) + "): readers of versions up to " + describe(minimum) + " old,"
                    + " and writers still committing files, may need files it would delete. Nothing was deleted; use"
                    + " --retain " + describe(minimum) + " or more, or --force to delete anyway");
        }
        long cutoff = clock.millis() - retain.toMillis();
        Set<String> keep = referenced(table, current, cutoff);
        List<String> deleted = new ArrayList<>();
        long bytes = 0;
        int recent = 0;
        String prefix = table + "/";
        for (String key : delta.store.list(prefix)) {
            String rel = key.substring(prefix.length());
            if (rel.startsWith("_delta_log/") || rel.startsWith("_sluice/") || keep.contains(key)) {
                continue;
            }
            Optional<ObjectInfo> info = delta.store.stat(key);
            if (info.isEmpty()) {
                continue; // deleted meanwhile
            }
            if (info.get().modified().toEpochMilli() >= cutoff) {
                recent++;
                continue;
            }
            deleted.add(rel);
            bytes += info.get().size();
        }
        if (!dryRun) {
            for (String rel : deleted) {
                delta.store.delete(prefix + rel);
            }
        }
        return new Vacuumed(table, dryRun, deleted, bytes, recent, retain, minimum);
    }

    /** The keys of every file a version of the window references (see the class comment). */
    private Set<String> referenced(String table, Snapshot current, long cutoff) {
        Set<String> keys = new HashSet<>();
        Snapshot first = current;
        if (current.getTimestamp(delta.engine) > cutoff) {
            first = firstOfWindow(table, current, cutoff);
        }
        LiveFiles.of(delta, table, first).forEach(f -> keys.add(delta.key(table, f.path())));
        for (long v = first.getVersion() + 1; v <= current.getVersion(); v++) {
            String log = table + "/_delta_log/" + String.format("%020d", v) + ".json";
            byte[] commit = delta.store.get(log).orElseThrow(() -> new CheckFailedException(Stage.WRITE, "table " + table
                    + ": its log lacks " + delta.store.describe(log) + ", so Sluice cannot tell which files that version"
                    + " added. Nothing was deleted"));
            addedKeys(table, commit, keys);
        }
        return keys;
    }

    /** The version that was current when the window began, or the oldest one the log still holds. */
    private Snapshot firstOfWindow(String table, Snapshot current, long cutoff) {
        try {
            return TableManager.loadSnapshot(delta.tablePath(table)).atTimestamp(cutoff, current).build(delta.engine);
        } catch (RuntimeException e) {
            // the window begins before the oldest version: every version the log holds is in it
            return DeltaTables.load(delta, table, oldestVersion(table));
        }
    }

    private long oldestVersion(String table) {
        long oldestCheckpoint = Long.MAX_VALUE;
        for (String k : delta.store.list(table + "/_delta_log/")) {
            String name = k.substring(k.lastIndexOf('/') + 1);
            if (name.equals(String.format("%020d", 0) + ".json")) {
                return 0;
            }
            if (name.matches("\\d{20}\\.checkpoint.*\\.parquet")) {
                oldestCheckpoint = Math.min(oldestCheckpoint, Long.parseLong(name.substring(0, 20)));
            }
        }
        return oldestCheckpoint == Long.MAX_VALUE ? 0 : oldestCheckpoint;
    }

    private void addedKeys(String table, byte[] commit, Set<String> keys) {
        for (String line : new String(commit, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || !line.contains("\"add\"")) {
                continue;
            }
            try {
                JsonNode add = JSON.readTree(line).get("add");
                if (add != null && add.hasNonNull("path")) {
                    keyOf(table, add.get("path").asText()).ifPresent(keys::add);
                }
            } catch (IOException e) {
                throw new CheckFailedException(Stage.WRITE, "table " + table + ": a commit in its log is not JSON Sluice"
                        + " can read (" + e.getMessage() + "). Nothing was deleted");
            }
        }
    }

    /** The store key of a path as the log holds it (relative and URI-encoded, or absolute); empty when elsewhere. */
    private Optional<String> keyOf(String table, String logPath) {
        URI u = URI.create(logPath);
        if (!u.isAbsolute()) {
            return Optional.of(table + "/" + u.getPath());
        }
        try {
            return Optional.of(delta.key(table, u.getScheme() + ":" + u.getPath()));
        } catch (IllegalStateException e) {
            return Optional.empty(); // outside the table's directory: not a file vacuum would delete
        }
    }

    /** A duration as {@code --retain} takes it: {@code 168h}, {@code 90m}, {@code 30s} or {@code 1500ms}. */
    static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** {@code delta.deletedFileRetentionDuration} as a duration: "interval 7 days", "1 week", "168 hours", ... */
    static Duration retention(String table, String property) {
        if (property == null) {
            return DEFAULT_RETENTION;
        }
        String s = property.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("interval")) {
            s = s.substring("interval".length()).strip();
        }
        Matcher m = INTERVAL_PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        boolean any = false;
        while (m.find()) {
            if (!s.substring(end, m.start()).isBlank()) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2).endsWith("s") ? m.group(2).substring(0, m.group(2).length() - 1) : m.group(2);
            Duration d = switch (unit) {
                case "week" -> Duration.ofDays(7 * n);
                case "day" -> Duration.ofDays(n);
                case "hour" -> Duration.ofHours(n);
                case "minute" -> Duration.ofMinutes(n);
                case "second" -> Duration.ofSeconds(n);
                case "millisecond" -> Duration.ofMillis(n);
                case "microsecond" -> Duration.ofNanos(n * 1000);
                default -> null;
            };
            if (d == null) {
                break;
            }
            total = total.plus(d);
            end = m.end();
            any = true;
        }
        if (!any || !s.substring(end).isBlank()) {
            throw new CheckFailedException(Stage.WRITE, "table " + table + ": its property " + RETENTION + " = \""
                    + property + "\" is not an interval Sluice reads (e.g. \"interval 7 days\"). Nothing was deleted");
        }
        return total;
    }
}
