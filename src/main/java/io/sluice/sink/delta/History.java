package io.sluice.sink.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.schema.SchemaChange;
import io.sluice.sink.TableMaintenance.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sluice table history} for one table, read from the commit files of its log (Kernel records no operation
 * metrics): per version its time, what made it, the files and rows (from the files' statistics) it added and removed,
 * and the schema changes it made, in Sluice's words where the commit's {@link PositionsDomain} entry records them, else
 * as the difference between the schemas before and after.
 */
final class History {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeltaStore delta;

    History(DeltaStore delta) {
        this.delta = delta;
    }

    List<Version> run(String table, int limit) {
        List<Long> versions = new ArrayList<>();
        String log = table + "/_delta_log/";
        for (String k : delta.store.list(log)) {
            String name = k.substring(log.length());
            if (name.matches("\\d{20}\\.json")) {
                versions.add(Long.parseLong(name.substring(0, 20)));
            }
        }
        versions.sort(null);
        List<Long> shown = versions.subList(Math.max(0, versions.size() - limit), versions.size());
        List<Version> out = new ArrayList<>();
        for (long v : shown) {
            out.add(version(table, v));
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private Version version(String table, long v) {
        String key = table + "/_delta_log/" + String.format("%020d", v) + ".json";
        byte[] data = delta.store.get(key).orElseThrow(() -> new SluiceException(Stage.QUERY, "table " + table + ": "
                + delta.store.describe(key) + " vanished while its history was read (log cleanup); run it again"));
        Instant time = null;
        String operation = "UNKNOWN";
        long rowsAdded = 0;
        long rowsRemoved = 0;
        boolean addedKnown = true;
        boolean removedKnown = true;
        int added = 0;
        int removed = 0;
        boolean metadata = false;
        Map<String, String> domains = new LinkedHashMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode a;
            try {
                a = JSON.readTree(line);
            } catch (IOException e) {
                throw new SluiceException(Stage.QUERY, "table " + table + ": " + delta.store.describe(key) + " is not a"
                        + " Delta commit Sluice can read: " + e.getMessage());
            }
            if (a.has("commitInfo")) {
                JsonNode c = a.get("commitInfo");
                if (c.hasNonNull("inCommitTimestamp")) {
                    time = Instant.ofEpochMilli(c.get("inCommitTimestamp").asLong());
                }
                if (c.hasNonNull("operation")) {
                    operation = c.get("operation").asText().toUpperCase(Locale.ROOT);
                }
            } else if (a.has("add")) {
                added++;
                Optional<Long> n = records(a.get("add"));
                addedKnown &= n.isPresent();
                rowsAdded += n.orElse(0L);
            } else if (a.has("remove")) {
                removed++;
                Optional<Long> n = records(a.get("remove"));
                removedKnown &= n.isPresent();
                rowsRemoved += n.orElse(0L);
            } else if (a.has("metaData")) {
                metadata = true;
            } else if (a.has("domainMetadata")) {
                JsonNode d = a.get("domainMetadata");
                if (!d.path("removed").asBoolean(false)) {
                    domains.put(d.path("domain").asText(), d.path("configuration").asText());
                }
            }
        }
        if (domains.containsKey(MaintenanceDomain.DOMAIN)) {
            Optional<String> op = MaintenanceDomain.operation(domains.get(MaintenanceDomain.DOMAIN));
            if (op.isPresent()) {
                operation = op.get().toUpperCase(Locale.ROOT);
            }
        }
        if (time == null) {
            // without in-commit timestamps a version's time is its commit file's, as time travel resolves it
            time = delta.store.stat(key).map(i -> i.modified()).orElse(Instant.EPOCH);
        }
        List<String> changes = new ArrayList<>();
        if (domains.containsKey(PositionsDomain.DOMAIN)) {
            try {
                PositionsDomain.parse(table, domains.get(PositionsDomain.DOMAIN)).schemaChanges()
                        .forEach(c -> changes.add(c.describe()));
            } catch (IllegalArgumentException e) {
                // another writer's entry: the schemas tell instead
            }
        }
        if (metadata && changes.isEmpty()) {
            changes.addAll(schemaDiff(table, v));
        }
        return new Version(v, time, operation, addedKnown ? Optional.of(rowsAdded) : Optional.empty(),
                removedKnown ? Optional.of(rowsRemoved) : Optional.empty(), added, removed, changes);
    }

    private static Optional<Long> records(JsonNode action) {
        if (!action.hasNonNull("stats")) {
            return Optional.empty();
        }
        try {
            JsonNode stats = JSON.readTree(action.get("stats").asText());
            return stats.hasNonNull("numRecords") ? Optional.of(stats.get("numRecords").asLong()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The top-level columns version {@code v} added, dropped or retyped, in {@link SchemaChange#describe}'s notation. */
    private List<String> schemaDiff(String table, long v) {
        StructType after;
        StructType before;
        try {
            after = DeltaTables.load(delta, table, v).getSchema();
            before = v == 0 ? null : DeltaTables.load(delta, table, v - 1).getSchema();
        } catch (RuntimeException e) {
            return List.of("schema or table properties changed (the log no longer holds the version before)");
        }
        List<String> out = new ArrayList<>();
        if (before == null) {
            List<String> cols = new ArrayList<>();
            after.fields().forEach(f -> cols.add(f.getName() + " " + Show.typeName(f.getDataType())));
            out.add(new SchemaChange(SchemaChange.Kind.CREATE_TABLE, Optional.empty(), Optional.empty(),
                    String.join(", ", cols), -1).describe());
            return out;
        }
        for (StructField f : after.fields()) {
            StructField old = field(before, f.getName());
            String type = Show.typeName(f.getDataType());
            if (old == null) {
                out.add("+ " + f.getName() + " " + type);
            } else if (!Show.typeName(old.getDataType()).equals(type)) {
                out.add("~ " + f.getName() + " " + Show.typeName(old.getDataType()) + " -> " + type);
            }
        }
        for (StructField f : before.fields()) {
            if (field(after, f.getName()) == null) {
                out.add("- " + f.getName() + " " + Show.typeName(f.getDataType()));
            }
        }
        return out;
    }

    private static StructField field(StructType s, String name) {
        for (StructField f : s.fields()) {
            if (f.getName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }
}
