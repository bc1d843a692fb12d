package io.sluice.sink.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Decimal;
import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.ListOf;
import io.sluice.schema.DataType.MapOf;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import io.sluice.schema.SchemaChange;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.TablePosition;
import io.sluice.sink.parquet.ParquetSinkConfig.PartitionField;
import io.sluice.sink.parquet.ParquetSinkConfig.Transform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * One entry of a table's ledger, {@code <table>/_sluice/ledger/<seq>.json}. Every entry holds the table's whole state
 * after it (positions and columns), so reading the newest one is enough to start; the files it adds and the schema
 * changes it makes are what this entry changed.
 *
 * @param kind      {@code commit} (adds files and positions), {@code claim} (a writer taking the table over at open) or
 *                  {@code positions} ({@code offsets reset})
 * @param writer    the random id of the writer that made it; data files carry its first 8 characters
 * @param partitionBy the partition directories the table's files are in, as {@code partition_by} said when files were
 *                  first committed; empty while the table has no files (or for entries older than this field)
 */
record LedgerEntry(int format, long seq, String writer, String pipeline, Instant time, Kind kind, List<DataFile> files,
        List<StoredPosition> positions, List<Column> columns, List<SchemaChange> changes,
        Optional<List<PartitionField>> partitionBy) {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind { CLAIM, COMMIT, POSITIONS }

    /** A data file an entry commits: its key under the store's root, rows and bytes. */
    record DataFile(String key, long rows, long bytes) {}

    LedgerEntry {
        files = List.copyOf(files);
        positions = List.copyOf(positions);
        columns = List.copyOf(columns);
        changes = List.copyOf(changes);
        partitionBy = partitionBy.map(List::copyOf);
    }

    byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", format);
        o.put("seq", seq);
        o.put("writer", writer);
        o.put("pipeline", pipeline);
        o.put("time", time.toString());
        o.put("kind", kind.name().toLowerCase(Locale.ROOT));
        ArrayNode fs = o.putArray("files");
        for (DataFile f : files) {
            fs.addObject().put("key", f.key()).put("rows", f.rows()).put("bytes", f.bytes());
        }
        ArrayNode ps = o.putArray("positions");
        for (StoredPosition s : positions) {
            TablePosition p = s.position();
            ObjectNode po = ps.addObject().put("topic", p.partition().topic()).put("partition", p.partition().partition())
                    .put("next_offset", p.nextOffset());
            p.topicId().ifPresentOrElse(id -> po.put("topic_id", id), () -> po.putNull("topic_id"));
            po.put("pipeline", s.pipeline());
        }
        ArrayNode cs = o.putArray("columns");
        for (Column c : columns) {
            cs.addObject().put("name", c.name()).set("type", type(c.type()));
        }
        ArrayNode ch = o.putArray("schema_changes");
        for (SchemaChange c : changes) {
            ObjectNode co = ch.addObject().put("kind", c.kind().name().toLowerCase(Locale.ROOT));
            c.column().ifPresent(v -> co.put("column", v));
            c.before().ifPresent(v -> co.put("before", v));
            co.put("after", c.after());
            if (c.schemaId() >= 0) {
                co.put("schema_id", c.schemaId());
            }
        }
        partitionBy.ifPresent(fields -> {
            ArrayNode pb = o.putArray("partition_by");
            fields.forEach(f -> pb.addObject().put("column", f.column())
                    .put("transform", f.transform().name().toLowerCase(Locale.ROOT)));
        });
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses an entry of {@code table}; throws {@link IllegalArgumentException} saying what is wrong. */
    static LedgerEntry parse(String table, byte[] json) {
        JsonNode o;
        try {
            o = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int format = o.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + o.path("format") + " is not one this Sluice reads (" + FORMAT
                    + "); a newer Sluice wrote it");
        }
        List<DataFile> files = new ArrayList<>();
        for (JsonNode f : o.path("files")) {
            files.add(new DataFile(f.path("key").asText(), f.path("rows").asLong(), f.path("bytes").asLong()));
        }
        List<StoredPosition> positions = new ArrayList<>();
        for (JsonNode p : o.path("positions")) {
            JsonNode id = p.path("topic_id");
            positions.add(new StoredPosition(new TablePosition(table, new TopicPartition(p.path("topic").asText(),
                    p.path("partition").asInt()), p.path("next_offset").asLong(),
                    id.isTextual() ? Optional.of(id.asText()) : Optional.empty()), p.path("pipeline").asText()));
        }
        List<Column> columns = new ArrayList<>();
        for (JsonNode c : o.path("columns")) {
            columns.add(new Column(c.path("name").asText(), type(c.path("type"))));
        }
        List<SchemaChange> changes = new ArrayList<>();
        for (JsonNode c : o.path("schema_changes")) {
            changes.add(new SchemaChange(SchemaChange.Kind.valueOf(c.path("kind").asText().toUpperCase(Locale.ROOT)),
                    text(c, "column"), text(c, "before"), c.path("after").asText(), c.path("schema_id").asInt(-1)));
        }
        Optional<List<PartitionField>> partitionBy = Optional.empty();
        if (o.has("partition_by")) {
            List<PartitionField> fields = new ArrayList<>();
            for (JsonNode f : o.path("partition_by")) {
                fields.add(new PartitionField(f.path("column").asText(),
                        Transform.valueOf(f.path("transform").asText("identity").toUpperCase(Locale.ROOT))));
            }
            partitionBy = Optional.of(fields);
        }
        return new LedgerEntry(format, o.path("seq").asLong(), o.path("writer").asText(), o.path("pipeline").asText(),
                Instant.parse(o.path("time").asText()), Kind.valueOf(o.path("kind").asText().toUpperCase(Locale.ROOT)),
                files, positions, columns, changes, partitionBy);
    }

    private static Optional<String> text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    /**
     * A type as JSON: a scalar's name, {@code {"decimal": [p, s]}}, {@code {"list": T}}, {@code {"map": [K, V]}},
     * {@code {"struct": [{"name": n, "type": T}, ...]}}; unambiguous for any field name.
     */
    static JsonNode type(DataType t) {
        if (t instanceof Scalar s) {
            return JSON.getNodeFactory().textNode(s.name());
        }
        ObjectNode o = JSON.createObjectNode();
        if (t instanceof Decimal d) {
            o.putArray("decimal").add(d.precision()).add(d.scale());
        } else if (t instanceof ListOf l) {
            o.set("list", type(l.element()));
        } else if (t instanceof MapOf m) {
            o.putArray("map").add(type(m.key())).add(type(m.value()));
        } else {
            ArrayNode fs = o.putArray("struct");
            for (Field f : ((Struct) t).fields()) {
                fs.addObject().put("name", f.name()).set("type", type(f.type()));
            }
        }
        return o;
    }

    static DataType type(JsonNode n) {
        if (n.isTextual()) {
            return Scalar.valueOf(n.asText());
        }
        if (n.has("decimal")) {
            return new Decimal(n.get("decimal").get(0).asInt(), n.get("decimal").get(1).asInt());
        }
        if (n.has("list")) {
            return new ListOf(type(n.get("list")));
        }
        if (n.has("map")) {
            return new MapOf(type(n.get("map").get(0)), type(n.get("map").get(1)));
        }
        if (n.has("struct")) {
            List<Field> fields = new ArrayList<>();
            for (JsonNode f : n.get("struct")) {
                fields.add(new Field(f.path("name").asText(), type(f.path("type"))));
            }
            return new Struct(fields);
        }
        throw new IllegalArgumentException("unknown column type " + n);
    }
}
