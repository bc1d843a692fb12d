package io.sluice.format.avro;

import io.sluice.format.DecodeException;
import io.sluice.format.Decoder;
import io.sluice.format.WireFormat;
import io.sluice.format.registry.RegisteredSchema;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.format.registry.WriterSchemas;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;

/**
 * Avro values: in the registry's wire format, each decoded with the writer schema its id names (fetched once),
 * or bare, with one schema from a local {@code .avsc} file.
 */
public final class AvroDecoder implements Decoder {
    /** Null when decoding with a schema file. */
    private final WriterSchemas<AvroRowReader> writers;
    /** The schema file's reader; null with a registry. */
    private final AvroRowReader fixed;
    private final boolean framed;

    private AvroDecoder(WriterSchemas<AvroRowReader> writers, AvroRowReader fixed, boolean framed) {
        this.writers = writers;
        this.fixed = fixed;
        this.framed = framed;
    }

    /** Framed values whose writer schemas come from the registry. */
    public static AvroDecoder withRegistry(SchemaRegistryClient registry, NestedMode nested, String separator) {
        return new AvroDecoder(new WriterSchemas<>(registry, SchemaType.AVRO, "avro", "Avro schema",
                (schema, refs) -> compile(schema, refs, nested, separator)), null, true);
    }

    /**
     * Values decoded with the schema in {@code file}; {@code framed} when they still carry the registry's header,
     * whose schema id is then ignored.
     */
    public static AvroDecoder withSchemaFile(Path file, boolean framed, NestedMode nested, String separator) {
        Schema schema;
        try {
            schema = new Schema.Parser().parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Avro schema file " + file + ": " + e.getMessage(), e);
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Avro schema file " + file + " is not a valid schema: " + e.getMessage(), e);
        }
        return new AvroDecoder(null, new AvroRowReader(schema, nested, separator), framed);
    }

    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        if (!framed) {
            fixed.read(value, 0, value.length, row);
            return;
        }
        int id = WireFormat.schemaId(value);
        AvroRowReader reader = fixed != null ? fixed : writers.get(id);
        if (fixed == null) {
            row.schemaId(id);
        }
        reader.read(value, WireFormat.HEADER, value.length - WireFormat.HEADER, row);
    }

    private static AvroRowReader compile(RegisteredSchema s, Map<String, String> references, NestedMode nested, String separator)
            throws WriterSchemas.InvalidSchemaException {
        try {
            Schema.Parser parser = new Schema.Parser();
            for (String ref : references.values()) {
                parser.parse(ref);
            }
            return new AvroRowReader(parser.parse(s.text()), nested, separator);
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            // a parse error, and also an invalid default value (AvroTypeException)
            throw new WriterSchemas.InvalidSchemaException(e.getMessage());
        }
    }
}
