package io.sluice.sink.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.schema.SchemaChange;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * What a Delta table holds of its sources, kept in the table itself: the domain metadata entry {@value #DOMAIN}, which
 * every Sluice commit rewrites in the same commit as its files. It holds, per source partition, the next offset to
 * read (and the topic's id and the pipeline that stored it), plus a stamp unique to the commit
 * ({@code <writer>/<n>}), which tells a writer whose commit's outcome it never heard whether the commit landed, and
 * the schema changes the commit made (the log keeps every commit's entry, so they form the table's schema history).
 */
record PositionsDomain(String pipeline, String writer, String stamp, List<StoredPosition> positions,
        List<SchemaChange> schemaChanges) {
    static final String DOMAIN = "sluice.positions";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    PositionsDomain {
        positions = List.copyOf(positions);
        schemaChanges = List.copyOf(schemaChanges);
    }

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("pipeline", pipeline);
        root.put("writer", writer);
        root.put("commit", stamp);
        ArrayNode ps = root.putArray("positions");
        for (StoredPosition p : positions) {
            ObjectNode n = ps.addObject();
            n.put("topic", p.position().partition().topic());
            n.put("partition", p.position().partition().partition());
            n.put("next_offset", p.position().nextOffset());
            p.position().topicId().ifPresent(id -> n.put("topic_id", id));
            n.put("pipeline", p.pipeline());
        }
        if (!schemaChanges.isEmpty()) {
            ArrayNode cs = root.putArray("schema_changes");
            for (SchemaChange c : schemaChanges) {
                ObjectNode n = cs.addObject();
                n.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                c.column().ifPresent(v -> n.put("column", v));
                c.before().ifPresent(v -> n.put("before", v));
                n.put("after", c.after());
                if (c.schemaId() >= 0) {
                    n.put("schema_id", c.schemaId());
                }
            }
        }
        return root.toString();
    }

    /** The entry of {@code table} read back; throws naming the table when it is not one Sluice can read. */
    static PositionsDomain parse(String table, String json) {
        try {
            JsonNode root = JSON.readTree(json);
            int format = root.path("format").asInt(-1);
            if (format != FORMAT) {
                throw new IllegalArgumentException("format " + root.path("format") + " (this Sluice reads " + FORMAT + ")");
            }
            List<StoredPosition> positions = new ArrayList<>();
            for (JsonNode n : root.path("positions")) {
                TopicPartition tp = new TopicPartition(n.get("topic").asText(), n.get("partition").asInt());
                Optional<String> id = n.hasNonNull("topic_id") ? Optional.of(n.get("topic_id").asText()) : Optional.empty();
                positions.add(new StoredPosition(new TablePosition(table, tp, n.get("next_offset").asLong(), id),
                        n.path("pipeline").asText(root.path("pipeline").asText())));
            }
            List<SchemaChange> changes = new ArrayList<>();
            for (JsonNode n : root.path("schema_changes")) {
                changes.add(new SchemaChange(SchemaChange.Kind.valueOf(n.get("kind").asText().toUpperCase(java.util.Locale.ROOT)),
                        text(n, "column"), text(n, "before"), n.path("after").asText(), n.path("schema_id").asInt(-1)));
            }
            return new PositionsDomain(root.path("pipeline").asText(), root.path("writer").asText(),
                    root.path("commit").asText(), positions, changes);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("domain metadata " + DOMAIN + " of table " + table + " is not Sluice's: "
                    + e.getMessage(), e);
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
    }
}
