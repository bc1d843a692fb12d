package io.sluice.it.contract;

import io.sluice.schema.Column;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The sink contract for sinks whose output a separate in-memory DuckDB can read ({@link DuckDbReader}): a subclass
 * says only how to reach a table, and the contract's read-backs go through that reader.
 */
abstract class DuckDbReadContract extends SinkContract {
    /** An independent reader of {@code table}, or null when nothing of it has been written yet. */
    protected abstract DuckDbReader reader(Path work, String table);

    @Override
    protected final List<Column> columns(Path work, String table) {
        DuckDbReader r = reader(work, table);
        return r == null ? List.of() : r.columns();
    }

    @Override
    protected final List<Map<String, String>> rows(Path work, String table) {
        DuckDbReader r = reader(work, table);
        return r == null ? List.of() : r.rows();
    }

    @Override
    protected final long count(Path work, String table) {
        DuckDbReader r = reader(work, table);
        return r == null ? 0 : r.count();
    }

    @Override
    protected final long distinctPositions(Path work, String table) {
        DuckDbReader r = reader(work, table);
        return r == null ? 0 : r.distinctPositions();
    }
}
