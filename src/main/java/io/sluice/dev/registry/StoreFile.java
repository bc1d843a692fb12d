package io.sluice.dev.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The registry's state as one JSON file, {@code schemas.json}, replaced atomically (temporary file, then an atomic
 * rename) on every change, so a kill at any moment leaves either the old or the new state.
 */
final class StoreFile {
    private static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;

    StoreFile(Path dir) {
        this.path = dir.resolve("schemas.json");
    }

    Path path() {
        return path;
    }

    /** The stored state, or an empty one when there is no file yet; a file that cannot be read is an error naming it. */
    SchemaStore.State read() {
        SchemaStore.State s = new SchemaStore.State();
        if (!Files.exists(path)) {
            return s;
        }
        try {
            JsonNode root = MAPPER.readTree(path.toFile());
            if (root == null || root.path("format").asInt() != FORMAT) {
                throw new IllegalStateException("unknown format (expected \"format\": " + FORMAT + ")");
            }
            s.nextId = root.path("next_id").asInt(1);
            s.globalLevel = level(root.path("compatibility").asText());
            for (JsonNode n : root.path("schemas")) {
                int id = n.path("id").asInt();
                SchemaType type = SchemaType.parse(n.path("schemaType").asText()).orElseThrow(
                        () -> new IllegalStateException("unknown schemaType of schema " + id));
                StoredSchema schema = new StoredSchema(id, type, text(n, "schema"), references(n.path("references")));
                s.schemas.put(id, schema);
                s.nextId = Math.max(s.nextId, id + 1);
            }
            for (JsonNode n : root.path("subjects")) {
                TreeMap<Integer, SchemaStore.Version> versions = new TreeMap<>();
                for (JsonNode v : n.path("versions")) {
                    int id = v.path("id").asInt();
                    if (!s.schemas.containsKey(id)) {
                        throw new IllegalStateException("subject " + n.path("subject") + " uses unknown schema id " + id);
                    }
                    versions.put(v.path("version").asInt(), new SchemaStore.Version(id, v.path("deleted").asBoolean()));
                }
                if (!versions.isEmpty()) {
                    s.subjects.put(text(n, "subject"), versions);
                }
            }
            root.path("subject_compatibility").properties().forEach(e -> s.subjectLevels.put(e.getKey(), level(e.getValue().asText())));
            return s;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the schema registry's data " + path + ": " + e.getMessage()
                    + " (move the file away to start empty)", e);
        }
    }

    void write(SchemaStore.State s) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("next_id", s.nextId);
        root.put("compatibility", s.globalLevel.name());
        ArrayNode schemas = root.putArray("schemas");
        for (StoredSchema schema : s.schemas.values()) {
            ObjectNode n = schemas.addObject();
            n.put("id", schema.id());
            n.put("schemaType", schema.type().name());
            n.put("schema", schema.schema());
            ArrayNode refs = n.putArray("references");
            for (Reference r : schema.references()) {
                refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
            }
        }
        ArrayNode subjects = root.putArray("subjects");
        s.subjects.forEach((name, versions) -> {
            ObjectNode n = subjects.addObject();
            n.put("subject", name);
            ArrayNode vs = n.putArray("versions");
            versions.forEach((version, v) -> vs.addObject().put("version", version).put("id", v.id()).put("deleted", v.deleted()));
        });
        ObjectNode levels = root.putObject("subject_compatibility");
        s.subjectLevels.forEach((subject, level) -> levels.put(subject, level.name()));
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(MAPPER.writeValueAsBytes(root));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalStateException("missing \"" + field + "\" in " + n);
        }
        return v.asText();
    }

    private static CompatibilityLevel level(String name) {
        return CompatibilityLevel.parse(name).orElseThrow(() -> new IllegalStateException("unknown compatibility level " + name));
    }

    private static List<Reference> references(JsonNode array) {
        List<Reference> out = new ArrayList<>();
        for (JsonNode r : array) {
            out.add(new Reference(text(r, "name"), text(r, "subject"), r.path("version").asInt()));
        }
        return out;
    }
}
