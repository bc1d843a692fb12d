package io.sluice.schema;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rule 4 of {@link ColumnNames}: the field names inside a STRUCT column must be non-empty, hold only characters a
 * name can hold, and differ ignoring case. Declared types are checked once per type; inferred structs (maps) per
 * value.
 */
final class StructNames {
    private static final int MAX_TYPES = 10_000;
    private static final String OK = "";
    /** Per declared type, what is wrong with its field names, or {@link #OK}. */
    private final Map<DataType, String> checked = new IdentityHashMap<>();

    void check(String column, Object value, DataType declared) throws ColumnNameException {
        String problem;
        if (declared != null) {
            if (declared instanceof DataType.Scalar || declared instanceof DataType.Decimal) {
                return;
            }
            problem = checked.get(declared);
            if (problem == null) {
                if (checked.size() > MAX_TYPES) {
                    checked.clear();
                }
                problem = declared(ColumnNames.quote(column), declared);
                checked.put(declared, problem == null ? OK : problem);
            }
        } else if (value instanceof Map<?, ?> m) {
            problem = inferred(ColumnNames.quote(column), m);
        } else {
            return;
        }
        if (problem != null && !problem.isEmpty()) {
            throw new ColumnNameException(problem + " (set nested: flatten or nested: json to keep such fields)");
        }
    }

    private static String declared(String path, DataType t) {
        if (t instanceof DataType.ListOf l) {
            return declared(path + "[]", l.element());
        }
        if (t instanceof DataType.MapOf m) {
            return declared(path + "[]", m.value());
        }
        if (t instanceof DataType.Struct s) {
            Map<String, String> seen = new HashMap<>();
            for (DataType.Field f : s.fields()) {
                String problem = field(path, f.name(), seen);
                if (problem == null) {
                    problem = declared(path + "." + ColumnNames.quote(f.name()), f.type());
                }
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String inferred(String path, Map<?, ?> m) {
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = (String) e.getKey();
            String problem = field(path, name, seen);
            if (problem == null && e.getValue() instanceof Map<?, ?> inner) {
                problem = inferred(path + "." + ColumnNames.quote(name), inner);
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String field(String path, String name, Map<String, String> seen) {
        String at = path + "." + ColumnNames.quote(name);
        if (name.isEmpty()) {
            return "struct field " + at + " has an empty name, which a STRUCT field cannot have";
        }
        String invalid = ColumnNames.invalid(name);
        if (invalid != null) {
            return "struct field " + at + " " + invalid;
        }
        String before = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        if (before != null) {
            return "struct fields " + path + "." + ColumnNames.quote(before) + " and " + at + " differ only in case,"
                    + " which STRUCT field names cannot";
        }
        return null;
    }
}
