package io.sluice.dev.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * A schema checked for its language: Avro is parsed by Apache Avro (references first, into the same parser), JSON must
 * be a JSON object or boolean, Protobuf only non-empty.
 *
 * @param canonical the text stored and returned: Avro's and JSON's compact form, Protobuf as given
 * @param avro      the parsed Avro schema, null for other types
 */
record ParsedSchema(SchemaType type, String canonical, List<Reference> references, Schema avro) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Finds the stored schema a reference points to, or throws the registry's error for a dangling one. */
    interface Resolver {
        StoredSchema resolve(Reference reference);
    }

    static ParsedSchema of(StoredSchema stored, Resolver resolver) {
        return parse(stored.type(), stored.schema(), stored.references(), resolver);
    }

    /** Throws {@link RegistryException} 42201 naming the problem when the text is not a valid schema of its type. */
    static ParsedSchema parse(SchemaType type, String text, List<Reference> references, Resolver resolver) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("Invalid schema: the schema is empty");
        }
        return switch (type) {
            case AVRO -> parseAvro(text, references, resolver);
            case JSON -> new ParsedSchema(type, parseJson(text), references, null);
            case PROTOBUF -> {
                references.forEach(resolver::resolve);
                yield new ParsedSchema(type, text, references, null);
            }
        };
    }

    private static ParsedSchema parseAvro(String text, List<Reference> references, Resolver resolver) {
        Schema.Parser parser = new Schema.Parser();
        Set<Integer> loaded = new HashSet<>();
        for (Reference r : references) {
            load(parser, r, resolver.resolve(r), resolver, loaded);
        }
        List<Schema> referenced = List.copyOf(parser.getTypes().values());
        Schema schema;
        try {
            schema = parser.parse(text);
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema of type AVRO: " + e.getMessage());
        }
        return new ParsedSchema(SchemaType.AVRO, compact(schema, referenced), references, schema);
    }

    /**
     * The compact JSON form, with referenced types by name only (as Confluent stores it). Avro 1.12 deprecates this
     * {@code toString} without a replacement that leaves referenced types out, so it stays.
     */
    @SuppressWarnings("deprecation")
    private static String compact(Schema schema, List<Schema> referenced) {
        return referenced.isEmpty() ? schema.toString() : schema.toString(referenced, false);
    }

    /** Referenced schemas go into the parser before the referring one, depth first, each once. */
    private static void load(Schema.Parser parser, Reference via, StoredSchema stored, Resolver resolver, Set<Integer> loaded) {
        if (!loaded.add(stored.id())) {
            return;
        }
        if (stored.type() != SchemaType.AVRO) {
            throw RegistryException.invalidSchema("Invalid schema: reference '" + via.name() + "' (subject '" + via.subject()
                    + "' version " + via.version() + ") is a " + stored.type() + " schema, not an Avro one");
        }
        for (Reference r : stored.references()) {
            load(parser, r, resolver.resolve(r), resolver, loaded);
        }
        try {
            parser.parse(stored.schema());
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema: reference '" + via.name() + "' (subject '" + via.subject()
                    + "' version " + via.version() + ") cannot be used: " + e.getMessage());
        }
    }

    private static String parseJson(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw RegistryException.invalidSchema("Invalid schema of type JSON: not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw RegistryException.invalidSchema("Invalid schema of type JSON: a JSON Schema is an object or a boolean");
        }
        return node.toString();
    }
}
