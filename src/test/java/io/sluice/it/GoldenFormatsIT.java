package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.format.WireFormat;
import io.sluice.format.protobuf.MessageIndexes;
import io.sluice.format.protobuf.ProtoSchemas;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.RegistrySpec;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The format golden cases of {@code golden/formats/<case>/} (see its README): records in each format go through
 * the real broker, the dev schema registry and {@code sluice run} into DuckDB, and the columns and rows that land
 * must be exactly {@code expected.txt}.
 */
class GoldenFormatsIT {
    private static DevSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @TempDir
    static Path registryDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() {
        registry = DevSchemaRegistry.start(registryDir, 0);
        client = new SchemaRegistryClient(RegistrySpec.of(registry.url()));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static Stream<String> cases() throws Exception {
        try (Stream<Path> s = Files.list(root())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    private static Path root() throws URISyntaxException {
        return Path.of(GoldenFormatsIT.class.getResource("/golden/formats").toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void landsExactlyAsExpected(String name) throws Exception {
        Path c = root().resolve(name);
        String topic = Sluice.unique("golden-" + name.replace('_', '-'));
        TestBroker.createTopic(topic, 1);
        List<byte[]> values = encode(c, topic);
        try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
            for (byte[] v : values) {
                p.send(new ProducerRecord<>(topic, 0, null, v));
            }
            p.flush();
        }
        String table = "t_" + name.replace('-', '_');
        String options = Files.readString(c.resolve("options.yaml")).strip().replace("${SCHEMA_REGISTRY_URL}", registry.url());
        Path m = Sluice.manifest(dir, Manifests.duckdb("golden_" + name.replace('-', '_'), "topics: [" + topic + "]", options, table));
        Sluice.Result run = Sluice.run(dir, Map.of(), "run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        String actual = landed(dir.resolve("warehouse.duckdb"), table);
        Path expected = c.resolve("expected.txt");
        assertThat(Files.exists(expected)).as("no expected.txt for " + name + "; what landed:\n" + actual).isTrue();
        assertThat(actual).as("golden case " + name).isEqualTo(Files.readString(expected));
    }

    /** The case's records as Kafka values, registered and framed as its format needs. */
    private static List<byte[]> encode(Path c, String topic) throws Exception {
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

    /** The user columns with their types, a blank line, then the rows by offset, tab-separated. */
    private static String landed(Path db, String table) {
        List<List<Object>> cols = Sluice.query(db, "select column_name, data_type from information_schema.columns where table_name = '"
                + table + "' and column_name not like '\\_kafka%' escape '\\' order by ordinal_position");
        StringBuilder out = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (List<Object> col : cols) {
            out.append(col.get(0)).append(' ').append(col.get(1)).append('\n');
            names.add("\"" + ((String) col.get(0)).replace("\"", "\"\"") + "\"::VARCHAR");
        }
        out.append('\n');
        for (List<Object> row : Sluice.query(db, "select " + String.join(", ", names) + " from " + table + " order by _kafka_offset")) {
            List<String> cells = new ArrayList<>();
            row.forEach(v -> cells.add(v == null ? "NULL" : v.toString()));
            out.append(String.join("\t", cells)).append('\n');
        }
        return out.toString();
    }
}
