package io.sluice.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Plain aligned text tables for human output. */
final class Table {
    private Table() {}

    static void print(PrintWriter out, List<Map<String, Object>> rows, List<String> columns) {
        print(out, rows, columns, "");
    }

    /** Prints the table with every line starting with {@code indent}. */
    static void print(PrintWriter out, List<Map<String, Object>> rows, List<String> columns, String indent) {
        int[] width = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            width[i] = columns.get(i).length();
            for (Map<String, Object> r : rows) {
                width[i] = Math.max(width[i], cell(r.get(columns.get(i))).length());
            }
        }
        StringBuilder head = new StringBuilder(indent);
        for (int i = 0; i < columns.size(); i++) {
            head.append(String.format("%-" + width[i] + "s  ", columns.get(i)));
        }
        out.println(head.toString().stripTrailing());
        for (Map<String, Object> r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns.size(); i++) {
                line.append(String.format("%-" + width[i] + "s  ", cell(r.get(columns.get(i)))));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private static String cell(Object v) {
        return v == null ? "-" : v.toString();
    }
}
