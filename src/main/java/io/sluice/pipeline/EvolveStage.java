package io.sluice.pipeline;

import io.sluice.manifest.EvolutionPolicy;
import io.sluice.schema.Column;
import io.sluice.schema.Evolution;
import io.sluice.schema.SchemaChange;
import io.sluice.schema.SchemaChangeException;
import io.sluice.schema.TableBatch;
import io.sluice.schema.TypeSupport;
import io.sluice.sink.Sink;
import io.sluice.sink.TableRows;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last batch stage before the sink: schema evolution by the pipeline's policy and the sink's capabilities, then
 * sealing each table's rows into the immutable {@link TableRows} the sink receives. Remembers each table's columns as
 * the sink will hold them once the batches handed over are durable, so the sink is asked only once per table.
 */
final class EvolveStage {
    private static final Logger LOG = LoggerFactory.getLogger(EvolveStage.class);

    private final EvolutionPolicy policy;
    private final boolean skipRecords;
    private final Sink sink;
    private final TypeSupport types;
    private final RunListener listener;
    private final Map<String, Optional<List<Column>>> tableColumns = new HashMap<>();

    /** @param skipRecords whether {@code on_error} is skip (see {@link Evolution#apply}) */
    EvolveStage(EvolutionPolicy policy, boolean skipRecords, Sink sink, RunListener listener) {
        this.policy = policy;
        this.skipRecords = skipRecords;
        this.sink = sink;
        this.types = sink.capabilities().types();
        this.listener = listener;
    }

    /**
     * Applies the schema evolution policy to each table of the batch and returns the sealed rows; puts the table changes
     * the sink applies and records into {@code out}. Called with no sink call in flight, so the sink may be asked for a
     * table's columns.
     */
    List<TableRows> apply(BatchBuilder batch, Map<String, List<SchemaChange>> out) {
        List<TableRows> sealed = new java.util.ArrayList<>();
        for (TableBatch tb : batch.tables().values()) {
            if (tb.size() == 0) {
                continue;
            }
            Optional<List<Column>> table = tableColumns.computeIfAbsent(tb.table(), sink::columns);
            Evolution.Outcome o;
            try {
                o = Evolution.apply(policy, skipRecords, tb.table(), table, tb, types);
            } catch (SchemaChangeException e) {
                throw new SluiceException(Stage.SCHEMA, e.getMessage() + "\nNothing of this batch was committed.");
            }
            // a batch left empty creates no table
            tableColumns.put(tb.table(), table.isEmpty() && tb.size() == 0 ? table : Optional.of(o.tableAfter()));
            if (!o.limitWarning().isEmpty()) {
                listener.warning(o.limitWarning());
            }
            if (o.rowsSkipped() > 0) {
                batch.discard(o.rowsSkipped());
            }
            if (!o.changes().isEmpty()) {
                out.put(tb.table(), o.changes());
                LOG.info("table {}: schema change\n  {}", tb.table(),
                        String.join("\n  ", o.changes().stream().map(SchemaChange::describe).toList()));
            }
            if (o.rowsDiscarded() > 0) {
                batch.discard(o.rowsDiscarded());
            }
            if (o.rowsDiscarded() > 0 && o.limitWarning().isEmpty()) {
                listener.warning("table " + tb.table() + ": left out " + o.rowsDiscarded() + " rows with new columns"
                        + " (schema.evolution.new_column: discard_row)");
            }
            if (o.valuesDiscarded() > 0 && o.limitWarning().isEmpty()) {
                listener.warning("table " + tb.table() + ": dropped " + o.valuesDiscarded() + " values of new columns"
                        + " (schema.evolution.new_column: discard_value)");
            }
            if (o.valuesToVariant() > 0) {
                LOG.info("table {}: {} values that do not fit their column went to {} columns", tb.table(), o.valuesToVariant(),
                        Evolution.VARIANT_PREFIX + "*");
            }
            if (tb.size() > 0) {
                sealed.add(TableRows.of(tb, o.tableAfter()));
            }
        }
        return sealed;
    }
}
