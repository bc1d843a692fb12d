package io.sluice.format.avro;

import io.sluice.format.DecodeException;
import io.sluice.format.Decoder;
import io.sluice.format.SchemaUnavailableException;
import io.sluice.format.WireFormat;
import io.sluice.format.registry.RegisteredSchema;
import io.sluice.format.registry.RegistryException;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Avro values: in the registry's wire format, each decoded with the writer schema its id names (fetched once),
 * or bare, with one schema from a local {@code .avsc} file.
 */
public final class AvroDecoder implements Decoder {
    private final SchemaRegistryClient registry;
    private final AvroRowReader fixed;
    private final boolean framed;
    private final NestedMode nested;
    private final String separator;
    private final Map<Integer, AvroRowReader> byId = new HashMap<>();
    private final Map<Integer, String> brokenIds = new HashMap<>();

    private AvroDecoder(SchemaRegistryClient registry, AvroRowReader fixed, boolean framed, NestedMode nested, String separator) {
        this.registry = registry;
        this.fixed = fixed;
        this.framed = framed;
        this.nested = nested;
        this.separator = separator;
    }

    /** Framed values whose writer schemas come from the registry. */
    public static AvroDecoder withRegistry(SchemaRegistryClient registry, NestedMode nested, String separator) {
        return new AvroDecoder(registry, null, true, nested, separator);
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
        } catch (SchemaParseException e) {
            throw new IllegalArgumentException("Avro schema file " + file + " is not a valid schema: " + e.getMessage(), e);
        }
        return new AvroDecoder(null, new AvroRowReader(schema, nested, separator), framed, nested, separator);
    }

    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        if (!framed) {
            fixed.read(value, 0, value.length, row);
            return;
        }
        int id = WireFormat.schemaId(value);
        AvroRowReader reader = fixed != null ? fixed : reader(id);
        if (fixed == null) {
            row.schemaId(id);
        }
        reader.read(value, WireFormat.HEADER, value.length - WireFormat.HEADER, row);
    }

    private AvroRowReader reader(int id) throws DecodeException {
        AvroRowReader r = byId.get(id);
        if (r != null) {
            return r;
        }
        String broken = brokenIds.get(id);
        if (broken != null) {
            throw new DecodeException(broken);
        }
        RegisteredSchema s;
        try {
            s = registry.schemaById(id);
        } catch (RegistryException e) {
            if (e.notFound()) {
                throw new DecodeException("unknown schema id " + id + ": " + e.getMessage());
            }
            throw new SchemaUnavailableException("cannot fetch Avro schema id " + id + ": " + e.getMessage(), e);
        }
        if (s.type() != SchemaType.AVRO) {
            throw new DecodeException("schema id " + id + " is a " + s.type() + " schema, but message_format is avro");
        }
        try {
            Schema.Parser parser = new Schema.Parser();
            for (String ref : registry.referencedSchemas(s).values()) {
                parser.parse(ref);
            }
            r = new AvroRowReader(parser.parse(s.text()), nested, separator);
        } catch (RegistryException e) {
            throw new SchemaUnavailableException("cannot fetch the schemas that Avro schema id " + id + " references: "
                    + e.getMessage(), e);
        } catch (SchemaParseException e) {
            String msg = "schema id " + id + " from " + registry.describe() + " is not a valid Avro schema: " + e.getMessage();
            brokenIds.put(id, msg);
            throw new DecodeException(msg);
        }
        byId.put(id, r);
        return r;
    }
}
