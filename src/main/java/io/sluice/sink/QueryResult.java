package io.sluice.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of a query: column names in order, and rows of values. A value is null, a {@link Number}, a
 * {@link Boolean}, or the sink's text for it (timestamps, lists, structs as the sink prints them).
 */
public record QueryResult(List<String> columns, List<List<Object>> rows) {
    public QueryResult {
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>();
        rows.forEach(r -> copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(r))));
        rows = java.util.Collections.unmodifiableList(copy);
    }
}
