package io.sluice.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import io.sluice.format.WireFormat;
import io.sluice.format.protobuf.MessageIndexes;
import io.sluice.format.protobuf.ProtoSchemaException;
import io.sluice.format.protobuf.ProtoSchemas;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.SourceOptions.MessageFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Turns the generator's JSON events into another message format, framed for the Schema Registry under the
 * schema it registers at creation. Not thread-safe.
 */
public abstract class EventEncoder {
    /** The sensor event's record name in all three schemas, for record-based subject name strategies. */
    public static final String RECORD_NAME = "io.sluice.sample.SensorEvent";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The schema id the events are framed with, or -1 for plain JSON. */
    public abstract int schemaId();

    public abstract byte[] encode(byte[] jsonEvent);

    /** The sensor event schema in a format's own language, as {@code sluice generate} registers it. */
    public static String schemaText(MessageFormat format) {
        return resource(switch (format) {
            case AVRO -> "sensor_event.avsc";
            case PROTOBUF -> "sensor_event.proto";
            case JSON_SCHEMA -> "sensor_event.schema.json";
            default -> throw new IllegalArgumentException("no sensor event schema for " + format.word());
        });
    }

    /** An encoder for {@code format}; registry formats register the sensor schema under {@code subject}. */
    public static EventEncoder forFormat(MessageFormat format, String subject, Optional<SchemaRegistryClient> registry) {
        if (format == MessageFormat.JSON) {
            return new EventEncoder() {
                @Override
                public int schemaId() {
                    return -1;
                }

                @Override
                public byte[] encode(byte[] jsonEvent) {
                    return jsonEvent;
                }
            };
        }
        SchemaRegistryClient client = registry.orElseThrow(() -> new IllegalArgumentException(format.word() + " needs a schema registry"));
        String schema = schemaText(format);
        return switch (format) {
            case AVRO -> new AvroEncoder(client.register(subject, SchemaType.AVRO, schema, List.of()), new Schema.Parser().parse(schema));
            case PROTOBUF -> new ProtobufEncoder(client.register(subject, SchemaType.PROTOBUF, schema, List.of()), schema);
            case JSON_SCHEMA -> {
                int id = client.register(subject, SchemaType.JSON, schema, List.of());
                yield new EventEncoder() {
                    @Override
                    public int schemaId() {
                        return id;
                    }

                    @Override
                    public byte[] encode(byte[] jsonEvent) {
                        return WireFormat.frame(id, new byte[0], jsonEvent);
                    }
                };
            }
            default -> throw new IllegalArgumentException("sluice generate does not write " + format.word());
        };
    }

    private static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private static String resource(String name) {
        try (InputStream in = EventEncoder.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing resource " + name, e);
        }
    }

    /** JSON events as Avro binary of sensor_event.avsc. */
    private static final class AvroEncoder extends EventEncoder {
        private final int id;
        private final Schema schema;
        private final GenericDatumWriter<GenericRecord> writer;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private BinaryEncoder encoder;

        AvroEncoder(int id, Schema schema) {
            this.id = id;
            this.schema = schema;
            this.writer = new GenericDatumWriter<>(schema);
        }

        @Override
        public int schemaId() {
            return id;
        }

        @Override
        public byte[] encode(byte[] jsonEvent) {
            GenericRecord r = (GenericRecord) convert(schema, tree(jsonEvent));
            out.reset();
            encoder = EncoderFactory.get().binaryEncoder(out, encoder);
            try {
                writer.write(r, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return WireFormat.frame(id, new byte[0], out.toByteArray());
        }

        private static Object convert(Schema s, JsonNode n) {
            if (n == null || n.isNull()) {
                return s.getType() == Schema.Type.ARRAY ? List.of() : null;
            }
            if (s.getLogicalType() instanceof LogicalTypes.Decimal d) {
                BigDecimal v = n.decimalValue().setScale(d.getScale(), RoundingMode.HALF_UP);
                return new Conversions.DecimalConversion().toBytes(v, s, d);
            }
            if (s.getLogicalType() != null && s.getLogicalType().getName().equals("timestamp-micros")) {
                return micros(n.asText());
            }
            return switch (s.getType()) {
                case RECORD -> {
                    GenericRecord r = new GenericData.Record(s);
                    for (Schema.Field f : s.getFields()) {
                        r.put(f.pos(), convert(f.schema(), n.get(f.name())));
                    }
                    yield r;
                }
                case UNION -> convert(s.getTypes().get(1), n);
                case ENUM -> new GenericData.EnumSymbol(s, n.asText());
                case ARRAY -> {
                    List<Object> items = new ArrayList<>();
                    n.forEach(i -> items.add(convert(s.getElementType(), i)));
                    yield items;
                }
                case STRING -> n.asText();
                case INT -> n.asInt();
                case LONG -> n.asLong();
                case DOUBLE -> n.asDouble();
                case FLOAT -> (float) n.asDouble();
                case BOOLEAN -> n.asBoolean();
                default -> throw new IllegalStateException("sensor schema type " + s.getType() + " not handled");
            };
        }
    }

    /** JSON events as Protobuf binary of sensor_event.proto, message SensorEvent (index [0]). */
    private static final class ProtobufEncoder extends EventEncoder {
        private static final byte[] FIRST_MESSAGE = MessageIndexes.encode(new int[] {0});
        private final int id;
        private final Descriptor descriptor;

        ProtobufEncoder(int id, String proto) {
            this.id = id;
            try {
                this.descriptor = ProtoSchemas.findMessage(List.of(ProtoSchemas.fromProtoText("sensor_event.proto", proto,
                        name -> Optional.empty())), "SensorEvent");
            } catch (ProtoSchemaException e) {
                throw new IllegalStateException("the bundled sensor_event.proto does not parse: " + e.getMessage(), e);
            }
        }

        @Override
        public int schemaId() {
            return id;
        }

        @Override
        public byte[] encode(byte[] jsonEvent) {
            return WireFormat.frame(id, FIRST_MESSAGE, message(descriptor, tree(jsonEvent)).toByteArray());
        }

        private static DynamicMessage message(Descriptor d, JsonNode n) {
            DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
            for (FieldDescriptor f : d.getFields()) {
                JsonNode v = n.get(f.getName());
                if (v == null || v.isNull()) {
                    continue;
                }
                if (f.isRepeated()) {
                    v.forEach(item -> b.addRepeatedField(f, value(f, item)));
                } else {
                    b.setField(f, value(f, v));
                }
            }
            return b.build();
        }

        private static Object value(FieldDescriptor f, JsonNode v) {
            return switch (f.getJavaType()) {
                case MESSAGE -> {
                    if (f.getMessageType().getFullName().equals("google.protobuf.Timestamp")) {
                        Instant t = Instant.parse(v.asText());
                        yield DynamicMessage.newBuilder(Timestamp.getDescriptor())
                                .mergeFrom(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build())
                                .build();
                    }
                    yield message(f.getMessageType(), v);
                }
                case ENUM -> f.getEnumType().findValueByName(v.asText());
                case STRING -> v.asText();
                case INT -> v.asInt();
                case LONG -> v.asLong();
                case DOUBLE -> v.asDouble();
                case FLOAT -> (float) v.asDouble();
                case BOOLEAN -> v.asBoolean();
                default -> throw new IllegalStateException("sensor proto type " + f.getJavaType() + " not handled");
            };
        }
    }
}
