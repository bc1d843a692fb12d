package io.sluice.schema;

/**
 * What a target can store, as schema evolution needs to know it before a batch is written: the type it keeps each
 * of Sluice's types as, and which type changes it can make to an existing column.
 */
public interface TypeSupport {
    /** Every type as it is, every widening {@link Evolution#widensSafely} allows. */
    TypeSupport ALL = new TypeSupport() {};

    /**
     * The type values of {@code type} are stored as: {@code type} itself, or the nearest type the target holds (a UUID as
     * VARCHAR where there is no UUID type). Applied to nested types too. A mapped column's values are converted when the
     * batch is sealed.
     */
    default DataType stored(DataType type) {
        return type;
    }

    /**
     * Whether a column of type {@code from} can become {@code to} in place, keeping every stored value. Only asked for
     * changes {@link Evolution#widensSafely} allows; a change the target cannot make is treated as a breaking change
     * ({@code schema.evolution.breaking_change}).
     */
    default boolean canWiden(DataType from, DataType to) {
        return true;
    }
}
