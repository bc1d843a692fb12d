package io.sluice.dev.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks a new schema against earlier versions of a subject. Avro is checked for real with
 * {@link SchemaCompatibility#checkReaderWriterCompatibility}; a change of schema type is always incompatible (unless the
 * level is NONE); Protobuf and JSON Schema changes are <b>not checked</b> and always accepted (a known limit of this
 * development registry: a real registry may reject what this one accepts).
 */
final class Compatibility {
    private Compatibility() {}

    /** An earlier version of the subject. */
    record Earlier(int version, ParsedSchema schema) {}

    /**
     * The incompatibilities of {@code candidate} with {@code earlier} (oldest first) under {@code level}; empty when
     * compatible. Non-transitive levels look at the last of {@code earlier} only.
     */
    static List<String> check(ParsedSchema candidate, List<Earlier> earlier, CompatibilityLevel level) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return problems;
        }
        List<Earlier> against = level.transitive ? earlier : earlier.subList(earlier.size() - 1, earlier.size());
        for (Earlier e : against) {
            if (e.schema().type() != candidate.type()) {
                problems.add("version " + e.version() + " is a " + e.schema().type() + " schema; the new one is " + candidate.type()
                        + " (a subject cannot change schema type under " + level + ")");
                continue;
            }
            if (candidate.type() != SchemaType.AVRO) {
                continue;
            }
            if (level.backward) {
                problems.addAll(avro(candidate.avro(), e.schema().avro(), e.version(), "the new schema cannot read data written with"));
            }
            if (level.forward) {
                problems.addAll(avro(e.schema().avro(), candidate.avro(), e.version(), "data written with the new schema cannot be read by"));
            }
        }
        return problems;
    }

    private static List<String> avro(Schema reader, Schema writer, int version, String direction) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        List<String> out = new ArrayList<>();
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return out;
        }
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            out.add("{errorType:'" + i.getType() + "', location:'" + i.getLocation() + "', detail:'" + i.getMessage() + "', reason:'"
                    + direction + " version " + version + "'}");
        }
        if (out.isEmpty()) {
            out.add("{reason:'" + direction + " version " + version + "', detail:'" + result.getDescription() + "'}");
        }
        return out;
    }
}
