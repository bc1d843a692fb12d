package io.sluice.format.jsonschema;

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
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON values typed by a JSON Schema: in the registry's wire format, each read with the schema its id names
 * (fetched and compiled once per id, with the schemas it references), or with one schema from a local file, bare
 * or framed (the id then ignored). The schema only types the columns; payloads are not validated against it.
 */
public final class JsonSchemaDecoder implements Decoder {
    private final RowReader fixed;
    private final boolean framed;
    /** Null when decoding with a schema file. */
    private final WriterSchemas<RowReader> writers;

    private JsonSchemaDecoder(SchemaRegistryClient registry, RowReader fixed, boolean framed, NestedMode nested, String separator) {
        this.fixed = fixed;
        this.framed = framed;
        this.writers = registry == null ? null : new WriterSchemas<>(registry, SchemaType.JSON, "json_schema", "JSON Schema",
                (schema, refs) -> compile(schema, refs, nested, separator));
    }

    /** Framed values whose schemas come from the registry. */
    public static JsonSchemaDecoder withRegistry(SchemaRegistryClient registry, NestedMode nested, String separator) {
        return new JsonSchemaDecoder(registry, null, true, nested, separator);
    }

    /**
     * Values read with the schema in {@code file}; {@code $ref}s to other files resolve against its directory.
     * {@code framed} when they still carry the registry's header, whose schema id is then ignored.
     *
     * @throws IllegalArgumentException when the file cannot be read or is not a usable JSON Schema
     */
    public static JsonSchemaDecoder withSchemaFile(Path file, boolean framed, NestedMode nested, String separator) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            SchemaDocument main = SchemaDocument.parse(file.getFileName().toString(), read(file));
            SchemaResolver resolver = new SchemaResolver(List.of(), name -> sibling(dir, name));
            return new JsonSchemaDecoder(null, new RowReader(main, resolver, nested, separator), framed, nested, separator);
        } catch (SchemaException e) {
            throw new IllegalArgumentException("JSON Schema file " + file + " is not usable: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read JSON Schema file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A {@code $ref} to a relative file name, next to the schema file. */
    private static SchemaDocument sibling(Path dir, String name) throws SchemaException {
        if (name.contains(":")) {
            return null; // an absolute URI: Sluice fetches nothing from the network
        }
        Path f;
        try {
            f = dir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return SchemaDocument.parse(name, Files.readString(f));
        } catch (IOException e) {
            throw new SchemaException("cannot read " + f + ", which a $ref names: " + e.getMessage());
        }
    }

    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        if (!framed) {
            fixed.read(value, 0, value.length, row);
            return;
        }
        if (value.length > 0 && (value[0] == '{' || value[0] == '[')) {
            throw new DecodeException("value does not start with the schema registry's magic byte 0 but with 0x"
                    + String.format("%02x", value[0] & 0xff) + " (it looks like plain JSON: set wire_format: plain with a"
                    + " schema_file, or use message_format json)");
        }
        int id = WireFormat.schemaId(value);
        RowReader reader = fixed != null ? fixed : writers.get(id);
        if (fixed == null) {
            row.schemaId(id);
        }
        reader.read(value, WireFormat.HEADER, value.length - WireFormat.HEADER, row);
    }

    private static RowReader compile(RegisteredSchema s, Map<String, String> referenced, NestedMode nested, String separator)
            throws WriterSchemas.InvalidSchemaException {
        try {
            List<SchemaDocument> docs = new ArrayList<>();
            for (Map.Entry<String, String> ref : referenced.entrySet()) {
                docs.add(SchemaDocument.parse(ref.getKey(), ref.getValue()));
            }
            return new RowReader(SchemaDocument.parse("schema id " + s.id(), s.text()), new SchemaResolver(docs, null), nested, separator);
        } catch (SchemaException e) {
            throw new WriterSchemas.InvalidSchemaException(e.getMessage());
        }
    }
}
