package io.sluice.cli;

import io.sluice.sink.QueryResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code sluice query} prints a result: an aligned table, JSON objects, or CSV (RFC 4180). */
final class QueryOutput {
    enum Format { table, json, csv }

    private QueryOutput() {}

    static void print(PrintWriter out, QueryResult r, Format format) {
        switch (format) {
            case json -> out.println(Json.write(r.rows().stream().map(row -> object(r.columns(), row)).toList()));
            case csv -> {
                out.println(String.join(",", r.columns().stream().map(QueryOutput::csv).toList()));
                for (List<Object> row : r.rows()) {
                    out.println(String.join(",", row.stream().map(v -> v == null ? "" : csv(v.toString())).toList()));
                }
            }
            default -> table(out, r);
        }
    }

    private static Map<String, Object> object(List<String> columns, List<Object> row) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            o.put(columns.get(i), row.get(i));
        }
        return o;
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Numbers right-aligned, everything else left; NULL for null. */
    private static void table(PrintWriter out, QueryResult r) {
        int n = r.columns().size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        for (int i = 0; i < n; i++) {
            width[i] = r.columns().get(i).length();
            numeric[i] = !r.rows().isEmpty();
            for (List<Object> row : r.rows()) {
                width[i] = Math.max(width[i], cell(row.get(i)).length());
                numeric[i] &= row.get(i) == null || row.get(i) instanceof Number;
            }
        }
        out.println(line(r.columns().stream().map(c -> (Object) c).toList(), width, numeric, true));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (List<Object> row : r.rows()) {
            out.println(line(row, width, numeric, false));
        }
    }

    private static String line(List<Object> values, int[] width, boolean[] numeric, boolean header) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            String c = header ? values.get(i).toString() : cell(values.get(i));
            String pad = " ".repeat(width[i] - c.length());
            b.append(i == 0 ? "" : "  ").append(numeric[i] ? pad + c : c + pad);
        }
        return b.toString().stripTrailing();
    }

    private static String cell(Object v) {
        return v == null ? "NULL" : v.toString().replace("\n", "\\n");
    }
}
