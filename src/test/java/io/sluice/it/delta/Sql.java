package io.sluice.it.delta;

/** Quoting for the DuckDB SQL this reader builds. */
final class Sql {
    private Sql() {}

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
