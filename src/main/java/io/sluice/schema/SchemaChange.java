package io.sluice.schema;

import java.util.Optional;

/**
 * One change a batch makes to its table, as logged and kept in the sink's schema history.
 *
 * @param kind     what changes
 * @param column   the column (for {@link Kind#CREATE_TABLE}, empty)
 * @param before   the column's type before (absent for new columns and tables)
 * @param after    its type after; for a new table, its column list
 * @param schemaId the registry id of the writer schema that brought the change, or -1
 */
public record SchemaChange(Kind kind, Optional<String> column, Optional<String> before, String after, int schemaId) {

    public enum Kind {
        CREATE_TABLE,
        ADD_COLUMN,
        WIDEN_TYPE,
        /** A breaking change kept out of the column: values that do not fit go to a {@code __sluice_nc__} column. */
        VARIANT_COLUMN
    }

    /** One line of a readable diff: {@code + name TYPE}, {@code ~ name OLD -> NEW}, ... */
    public String describe() {
        String id = schemaId >= 0 ? " (schema id " + schemaId + ")" : "";
        return switch (kind) {
            case CREATE_TABLE -> "new table (" + after + ")" + id;
            case ADD_COLUMN -> "+ " + column.orElse("") + " " + after + id;
            case WIDEN_TYPE -> "~ " + column.orElse("") + " " + before.orElse("") + " -> " + after + id;
            case VARIANT_COLUMN -> "! " + column.orElse("") + " " + before.orElse("") + " cannot hold " + after
                    + " values; they go to " + Evolution.VARIANT_PREFIX + column.orElse("") + id;
        };
    }
}
