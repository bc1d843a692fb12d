package io.sluice.it.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code _delta_log} of one table, replayed without Delta Kernel: the newest classic checkpoint at or below the
 * wanted version (read with DuckDB), then every later {@code N.json} commit (read with Jackson), in order, with no gap.
 * Whatever the replay meets and does not understand (an unknown action, a deletion vector, a multi-part or v2
 * checkpoint it would need, a missing commit) fails it, naming the file.
 */
final class DeltaLog {
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint\\.parquet");
    private static final Pattern OTHER_CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint\\..+\\.(parquet|json)");
    private static final Set<String> ACTIONS =
            Set.of("add", "remove", "metaData", "protocol", "txn", "domainMetadata", "commitInfo", "cdc");

    final Path table;
    final Path log;
    private final URI tableUri;
    private final TreeMap<Long, Path> commits = new TreeMap<>();
    private final TreeMap<Long, Path> checkpoints = new TreeMap<>();
    private final TreeMap<Long, String> otherCheckpoints = new TreeMap<>();

    /** The state at one version: what a snapshot of the table holds. */
    static final class State {
        long version = -1;
        long checkpoint = -1;
        JsonNode protocol;
        JsonNode metadata;
        final Map<Path, JsonNode> live = new LinkedHashMap<>();
        final Map<String, Long> txns = new TreeMap<>();
        final Map<String, JsonNode> domains = new TreeMap<>();
    }

    DeltaLog(Path table) {
        this.table = table.toAbsolutePath().normalize();
        this.log = this.table.resolve("_delta_log");
        String uri = this.table.toUri().toString();
        this.tableUri = URI.create(uri.endsWith("/") ? uri : uri + "/");
        if (!Files.isDirectory(log)) {
            throw new IllegalStateException(this.table + " is no Delta table: it has no _delta_log directory");
        }
        try (Stream<Path> files = Files.list(log)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                Matcher m;
                if ((m = COMMIT.matcher(name)).matches()) {
                    commits.put(Long.parseLong(m.group(1)), p);
                } else if ((m = CHECKPOINT.matcher(name)).matches()) {
                    checkpoints.put(Long.parseLong(m.group(1)), p);
                } else if ((m = OTHER_CHECKPOINT.matcher(name)).matches()) {
                    otherCheckpoints.put(Long.parseLong(m.group(1)), name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + log, e);
        }
        if (commits.isEmpty() && checkpoints.isEmpty()) {
            throw new IllegalStateException(this.table + " is no Delta table: " + log + " holds no commit and no checkpoint");
        }
    }

    long latestVersion() {
        long c = commits.isEmpty() ? -1 : commits.lastKey();
        long k = checkpoints.isEmpty() ? -1 : checkpoints.lastKey();
        return Math.max(c, k);
    }

    /** Replays the log up to {@code version}, from the newest classic checkpoint at or below it. */
    State replay(long version) {
        long latest = latestVersion();
        if (version < 0 || version > latest) {
            throw new IllegalStateException(table + " has no version " + version + " (versions up to " + latest + ")");
        }
        checkLastCheckpoint();
        State s = new State();
        Map.Entry<Long, Path> cp = checkpoints.floorEntry(version);
        long from = 0;
        if (cp != null) {
            readCheckpoint(cp.getValue(), s);
            s.checkpoint = cp.getKey();
            s.version = cp.getKey();
            from = cp.getKey() + 1;
        }
        for (long v = from; v <= version; v++) {
            Path commit = commits.get(v);
            if (commit == null) {
                Map.Entry<Long, String> other = otherCheckpoints.floorEntry(version);
                throw new IllegalStateException(table + ": commit " + v + " (" + String.format("%020d.json", v)
                        + ") is missing, so version " + version + " cannot be replayed"
                        + (other != null && other.getKey() >= v ? "; the checkpoint " + other.getValue()
                                + " that would cover it is of a kind this reader does not read" : ""));
            }
            for (JsonNode action : actions(commit)) {
                apply(s, action, commit, false);
            }
            s.version = v;
        }
        return s;
    }

    /** The actions of commit {@code version}, in file order; the commit must exist. */
    List<JsonNode> commit(long version) {
        Path commit = commits.get(version);
        if (commit == null) {
            throw new IllegalStateException(table + ": commit " + version + " (" + String.format("%020d.json", version)
                    + ") is missing; the log's commits run " + (commits.isEmpty() ? "nowhere" : commits.firstKey() + ".." + commits.lastKey()));
        }
        return actions(commit);
    }

    long commitFileMillis(long version) {
        try {
            return Files.getLastModifiedTime(commits.get(version)).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The local file an {@code add} or {@code remove} path names: relative to the table, or an absolute file URI. */
    Path resolve(String path, Path where) {
        URI u;
        try {
            u = new URI(path);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(where + ": file path " + path + " is not a valid URI: " + e.getMessage());
        }
        if (u.isAbsolute()) {
            if (!"file".equals(u.getScheme())) {
                throw new IllegalStateException(where + ": file path " + path + " is not on the local file system;"
                        + " this reader reads a local copy of a table, whose paths are relative");
            }
            return Path.of(u).normalize();
        }
        return Path.of(tableUri.resolve(u)).normalize();
    }

    private void apply(State s, JsonNode action, Path where, boolean inCheckpoint) {
        String kind = kind(action, where);
        JsonNode a = action.get(kind);
        switch (kind) {
            case "add" -> {
                if (a.hasNonNull("deletionVector")) {
                    throw new IllegalStateException(where + ": file " + a.path("path").asText()
                            + " has a deletion vector, which this reader does not apply");
                }
                s.live.put(resolve(text(a, "path", where), where), a);
            }
            case "remove" -> {
                // a checkpoint's removes are tombstones for vacuum; its adds are already reconciled
                if (!inCheckpoint) {
                    s.live.remove(resolve(text(a, "path", where), where));
                }
            }
            case "metaData" -> s.metadata = a;
            case "protocol" -> s.protocol = a;
            case "txn" -> s.txns.put(text(a, "appId", where), a.path("version").asLong());
            case "domainMetadata" -> s.domains.put(text(a, "domain", where), a);
            default -> { } // commitInfo, cdc: nothing a snapshot holds
        }
    }

    /** The one action a log line holds; fails on none, several, or one this reader does not know. */
    static String kind(JsonNode action, Path where) {
        String kind = null;
        for (Map.Entry<String, JsonNode> e : action.properties()) {
            if (e.getValue().isNull()) {
                continue;
            }
            if (!ACTIONS.contains(e.getKey())) {
                throw new IllegalStateException(where + ": action " + e.getKey() + " is not one this reader understands"
                        + " (it reads " + new java.util.TreeSet<>(ACTIONS) + ")");
            }
            if (kind != null) {
                throw new IllegalStateException(where + ": one log line holds two actions, " + kind + " and " + e.getKey());
            }
            kind = e.getKey();
        }
        if (kind == null) {
            throw new IllegalStateException(where + ": a log line holds no action: " + action);
        }
        return kind;
    }

    static String text(JsonNode a, String field, Path where) {
        JsonNode v = a.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalStateException(where + ": action without " + field + ": " + a);
        }
        return v.textValue();
    }

    private List<JsonNode> actions(Path commit) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(commit)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(commit + " holds a line that is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + commit, e);
        }
        return out;
    }

    private void readCheckpoint(Path checkpoint, State s) {
        long rows = 0;
        long adds = 0;
        String file = checkpoint.toString();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_json(t) FROM read_parquet(" + Sql.literal(file) + ") t")) {
            while (rs.next()) {
                JsonNode action = JSON.readTree(rs.getString(1));
                if (kind(action, checkpoint).equals("add")) {
                    adds++;
                }
                apply(s, action, checkpoint, true);
                rows++;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading checkpoint " + checkpoint + ": " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reading checkpoint " + checkpoint + ": " + e.getOriginalMessage(), e);
        }
        JsonNode last = lastCheckpoint();
        // the protocol's size is the number of actions; Kernel 4.4 writes the number of add actions there
        if (last != null && last.path("version").asLong(-1) == checkpointVersion(checkpoint) && last.has("size")
                && last.get("size").asLong() != rows && last.get("size").asLong() != adds) {
            throw new IllegalStateException(log.resolve("_last_checkpoint") + " says checkpoint " + checkpoint.getFileName()
                    + " holds " + last.get("size").asLong() + " actions, it holds " + rows + " (" + adds + " of them adds)");
        }
    }

    private static long checkpointVersion(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring(0, 20));
    }

    /** {@code _last_checkpoint} must name a checkpoint this reader can read, and one that is there. */
    private void checkLastCheckpoint() {
        JsonNode last = lastCheckpoint();
        if (last == null) {
            return;
        }
        Path where = log.resolve("_last_checkpoint");
        if (last.hasNonNull("parts")) {
            throw new IllegalStateException(where + " names a multi-part checkpoint, which this reader does not read");
        }
        if (last.hasNonNull("v2Checkpoint")) {
            throw new IllegalStateException(where + " names a v2 checkpoint, which this reader does not read");
        }
        long v = last.path("version").asLong(-1);
        if (!checkpoints.containsKey(v)) {
            throw new IllegalStateException(where + " names checkpoint " + v + ", but "
                    + String.format("%020d.checkpoint.parquet", v) + " is not there");
        }
    }

    private JsonNode lastCheckpoint() {
        Path p = log.resolve("_last_checkpoint");
        if (!Files.exists(p)) {
            return null;
        }
        try {
            return JSON.readTree(Files.readString(p));
        } catch (IOException e) {
            throw new IllegalStateException(p + " is not readable JSON: " + e.getMessage(), e);
        }
    }
}
