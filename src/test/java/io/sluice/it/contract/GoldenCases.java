package io.sluice.it.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.sluice.format.WireFormat;
import io.sluice.format.protobuf.MessageIndexes;
import io.sluice.format.protobuf.ProtoSchemas;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The format golden cases of {@code golden/formats/<case>/} (see its README): how to encode each case's records, and
 * its {@code expected.json}, the columns (Sluice types) and rows (canonical text, {@link Canonical}) that must land.
 */
public final class GoldenCases {
    private GoldenCases() {}

    /** What a case expects: its user columns in table order, and its rows by offset. */
    public record Expected(List<Column> columns, List<Map<String, String>> rows) {}

    public static Path root() {
        try {
            return Path.of(GoldenCases.class.getResource("/golden/formats").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Stream<String> names() throws IOException {
        try (Stream<Path> s = Files.list(root())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The case's {@code source.options} flow mapping, with the registry's address. */
    public static String options(String name, String registryUrl) throws IOException {
        return Files.readString(root().resolve(name).resolve("options.yaml")).strip().replace("${SCHEMA_REGISTRY_URL}", registryUrl);
    }

    /** The case's records as Kafka values, their schema registered under {@code <topic>-value} and framed as the format needs. */
    public static List<byte[]> encode(String name, String topic, SchemaRegistryClient client) throws Exception {
        Path c = root().resolve(name);
        List<String> lines = Files.readAllLines(c.resolve("records.txt")).stream().filter(l -> !l.isBlank()).toList();
        List<byte[]> out = new ArrayList<>();
        if (Files.exists(c.resolve("schema.avsc"))) {
            String text = Files.readString(c.resolve("schema.avsc"));
            int id = client.register(topic + "-value", SchemaType.AVRO, text, List.of());
            Schema schema = new Schema.Parser().parse(text);
            for (String line : lines) {
                GenericRecord r = new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, line));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                BinaryEncoder e = EncoderFactory.get().binaryEncoder(bytes, null);
                new GenericDatumWriter<GenericRecord>(schema).write(r, e);
                e.flush();
                out.add(WireFormat.frame(id, new byte[0], bytes.toByteArray()));
            }
        } else if (Files.exists(c.resolve("schema.proto"))) {
            String text = Files.readString(c.resolve("schema.proto"));
            int id = client.register(topic + "-value", SchemaType.PROTOBUF, text, List.of());
            Descriptor d = ProtoSchemas.fromProtoText("schema.proto", text, n -> Optional.empty()).getMessageTypes().get(0);
            for (String line : lines) {
                DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
                TextFormat.merge(line, b);
                out.add(WireFormat.frame(id, MessageIndexes.encode(new int[] {0}), b.build().toByteArray()));
            }
        } else if (Files.exists(c.resolve("schema.json"))) {
            int id = client.register(topic + "-value", SchemaType.JSON, Files.readString(c.resolve("schema.json")), List.of());
            lines.forEach(l -> out.add(WireFormat.frame(id, new byte[0], l.getBytes(StandardCharsets.UTF_8))));
        } else {
            lines.forEach(l -> out.add(l.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    public static Path expectedFile(String name) {
        return root().resolve(name).resolve("expected.json");
    }

    public static Expected expected(String name) throws IOException {
        JsonNode doc = Canonical.JSON.readTree(expectedFile(name).toFile());
        List<Column> columns = new ArrayList<>();
        doc.get("columns").fields().forEachRemaining(e -> columns.add(new Column(e.getKey(), ReaderTypes.parse(e.getValue().textValue()))));
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode r : doc.get("rows")) {
            Map<String, String> row = new LinkedHashMap<>();
            for (Column col : columns) {
                if (!r.has(col.name())) {
                    throw new IllegalArgumentException(expectedFile(name) + ": a row has no value for column " + col.name());
                }
                row.put(col.name(), Canonical.expected(r.get(col.name())));
            }
            rows.add(row);
        }
        return new Expected(columns, rows);
    }

    /** What landed, in the form of an {@code expected.json}: one column per line, one row per line. */
    public static String render(List<Column> columns, List<Map<String, String>> rows) {
        try {
            StringBuilder b = new StringBuilder("{\n  \"columns\": {\n");
            for (int i = 0; i < columns.size(); i++) {
                b.append("    ").append(Canonical.JSON.writeValueAsString(columns.get(i).name())).append(": ")
                        .append(Canonical.JSON.writeValueAsString(columns.get(i).type().describe())).append(i + 1 < columns.size() ? ",\n" : "\n");
            }
            b.append("  },\n  \"rows\": [\n");
            for (int r = 0; r < rows.size(); r++) {
                List<String> cells = new ArrayList<>();
                for (Column col : columns) {
                    String v = rows.get(r).get(col.name());
                    boolean nested = col.type() instanceof DataType.ListOf || col.type() instanceof DataType.MapOf
                            || col.type() instanceof DataType.Struct;
                    cells.add(Canonical.JSON.writeValueAsString(col.name()) + ": "
                            + (v == null ? "null" : nested ? v : Canonical.JSON.writeValueAsString(v)));
                }
                b.append("    {").append(String.join(", ", cells)).append(r + 1 < rows.size() ? "},\n" : "}\n");
            }
            return b.append("  ]\n}\n").toString();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
