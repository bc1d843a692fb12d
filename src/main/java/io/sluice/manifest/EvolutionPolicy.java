package io.sluice.manifest;

/**
 * What a pipeline does when a batch's columns differ from its table ({@code schema.evolution}), per kind of
 * change. Every change it applies is logged and recorded in the sink's schema history.
 *
 * @param newColumn a column the table does not have
 * @param widening  a type change that keeps every stored value: integer to bigint, float to double, a decimal
 *                  with more digits, a struct with more fields, date to timestamp
 * @param breaking  any other type change: narrowing or incompatible types
 * @param maxColumns the most columns a table may have, Sluice's {@code _kafka_} and variant columns included
 *                  ({@code schema.max_columns}); the columns a batch would add beyond it are routed by
 *                  {@code new_column} and {@code on_error} (see {@code Evolution})
 */
public record EvolutionPolicy(NewColumn newColumn, Widening widening, Breaking breaking, int maxColumns) {
    /**
     * The default {@code schema.max_columns}. DuckDB pins about 0.5 MiB per column (a data and a validity block) while
     * it appends and commits, and keeps not-yet-checkpointed NULLs uncompressed: 1000 columns stay well inside
     * the default 2GB {@code memory_limit}, 4000 exhaust it.
     */
    public static final int DEFAULT_MAX_COLUMNS = 1000;

    public EvolutionPolicy {
        if (maxColumns < 1) {
            throw new IllegalArgumentException("maxColumns must be >= 1, got " + maxColumns);
        }
    }

    /** A policy with the default column limit. */
    public EvolutionPolicy(NewColumn newColumn, Widening widening, Breaking breaking) {
        this(newColumn, widening, breaking, DEFAULT_MAX_COLUMNS);
    }

    public enum NewColumn {
        /** Add the column. */
        EVOLVE,
        /** Fail the batch, naming the column. */
        FREEZE,
        /** Leave out the rows that have a value for the new column. */
        DISCARD_ROW,
        /** Keep the rows but drop the new column's values. */
        DISCARD_VALUE
    }

    public enum Widening { EVOLVE, FREEZE }

    public enum Breaking {
        /** Fail the batch with a diff of the table's and the batch's columns. */
        FAIL,
        /**
         * Keep the column as it is and write the values that do not fit it into a variant column
         * {@code __sluice_nc__<column>}, which takes whatever type they need.
         */
        VARIANT
    }

    /** Add columns, widen types, fail on breaking changes. */
    public static EvolutionPolicy defaults() {
        return new EvolutionPolicy(NewColumn.EVOLVE, Widening.EVOLVE, Breaking.FAIL);
    }
}
