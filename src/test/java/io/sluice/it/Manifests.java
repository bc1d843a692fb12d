package io.sluice.it;

/** Manifest text for tests. */
final class Manifests {
    private Manifests() {}

    /** A DuckDB pipeline; {@code topics} is a YAML line such as {@code topics: [a]}, {@code options} a flow mapping. */
    static String duckdb(String name, String topics, String options, String table) {
        return """
                name: %s
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 5000}
                  %s
                  options: %s
                sink: {type: duckdb, path: warehouse.duckdb, table: "%s"}
                """.formatted(name, TestBroker.bootstrap(), topics, options, table);
    }
}
