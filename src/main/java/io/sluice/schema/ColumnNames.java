package io.sluice.schema;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one rule that turns the field names of a record into column names, for every format and for key fields:
 * <ol>
 *   <li>A payload field whose (flattened) name is empty or starts, in any case, with a prefix Sluice reserves
 *       ({@code _kafka_}, {@code _sluice}, {@code __sluice_nc__}, {@code _payload_}) is stored as
 *       {@code _payload_<name>}: payload never overwrites Sluice's columns, and no two names map to one column.</li>
 *   <li>A name holding a character no column name can hold (U+0000, or half of a surrogate pair) fails the record.</li>
 *   <li>Two fields of one record that make the same column, ignoring case (as SQL does), fail the record, naming both:
 *       {@code Name} beside {@code name}, {@code a__b} beside {@code a: {b}}, a repeated name.</li>
 *   <li>Inside a STRUCT column the field names follow rules 2 and 3, and an empty one fails the record.</li>
 * </ol>
 * Used by one thread. Field names repeat from record to record, so the common case costs one identity check per
 * field.
 */
public final class ColumnNames {
    /** What a payload field whose name Sluice reserves is stored under. */
    public static final String PAYLOAD_PREFIX = "_payload_";
    static final List<String> RESERVED = List.of("_kafka_", "_sluice", "__sluice_nc__", PAYLOAD_PREFIX);
    private static final int MAX_NAMES = 100_000;

    private final String separator;
    private final Map<String, Entry> own = new HashMap<>();
    private final Map<String, Entry> payload = new HashMap<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final Slots ownSlots = new Slots();
    private final Slots payloadSlots = new Slots();
    /** Per column id, the record that last used it and the field that did, to find two fields making one column. */
    private long[] stamps = new long[64];
    private int[] users = new int[64];
    private long record;
    private final StructNames structs = new StructNames();
    /** The field names of the last row that passed (as the decoder gave them), and each one's rename or null. */
    private String[] lastFields = new String[0];
    private String[] lastColumns = new String[0];
    private int lastSize = -1;
    private int lastPayloadStart = -1;

    /** @param separator the flatten separator, to explain where a flattened name came from */
    public ColumnNames(String separator) {
        this.separator = separator;
    }

    /** The column a payload field named {@code field} is stored as (rule 1). */
    public static String payloadColumn(String field) {
        return reserved(field) ? PAYLOAD_PREFIX + field : field;
    }

    static boolean reserved(String name) {
        if (name.isEmpty()) {
            return true;
        }
        for (String p : RESERVED) {
            if (name.regionMatches(true, 0, p, 0, p.length())) {
                return true;
            }
        }
        return false;
    }

    /** Why {@code name} cannot name a column (rule 2), or null. */
    static String invalid(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == 0) {
                return "holds the character U+0000, which no column name can hold";
            }
            if (Character.isHighSurrogate(ch) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return String.format("holds U+%04X, half of a surrogate pair, which is not a character", (int) ch);
            }
        }
        return null;
    }

    /**
     * Applies the rule to {@code row}: fields before {@code payloadStart} are Sluice's own columns (metadata and key
     * columns), kept as they are; the others are renamed where rule 1 says so.
     *
     * @throws ColumnNameException naming the fields, when rule 2, 3 or 4 fails the record
     */
    public void apply(Row row, int payloadStart) throws ColumnNameException {
        if (payload.size() + own.size() > MAX_NAMES) {
            reset(); // records with ever-new names: do not grow without bound
        }
        record++;
        if (sameAsLast(row, payloadStart)) {
            return;
        }
        lastSize = -1; // until this row passes
        if (lastFields.length < row.size()) {
            lastFields = new String[Math.max(row.size(), lastFields.length * 2)];
            lastColumns = new String[lastFields.length];
        }
        for (int i = 0; i < row.size(); i++) {
            String name = row.name(i);
            boolean isOwn = i < payloadStart;
            Slots slots = isOwn ? ownSlots : payloadSlots;
            int slot = isOwn ? i : i - payloadStart;
            Entry e = slots.get(slot, name);
            if (e == null) {
                e = entry(name, isOwn);
                slots.put(slot, name, e);
            }
            if (e.invalid != null) {
                throw new ColumnNameException("field " + quote(e.field) + " " + e.invalid);
            }
            if (stamps[e.id] == record) {
                throw new ColumnNameException(collision(lastFields[users[e.id]], e));
            }
            stamps[e.id] = record;
            users[e.id] = i;
            lastFields[i] = name;
            lastColumns[i] = e.column != name ? e.column : null;
            if (e.column != name) {
                row.rename(i, e.column);
            }
            if (!isOwn) {
                structs.check(e.column, row.value(i), row.type(i));
            }
        }
        lastSize = row.size();
        lastPayloadStart = payloadStart;
    }

    /**
     * Whether the row has the very names of the last row that passed, in the same order: then it passes too, and
     * gets the same renames. Only its struct values are left to check.
     */
    private boolean sameAsLast(Row row, int payloadStart) throws ColumnNameException {
        int n = row.size();
        if (n != lastSize || payloadStart != lastPayloadStart) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (row.name(i) != lastFields[i]) {
                return false;
            }
        }
        for (int i = 0; i < n; i++) {
            String column = lastColumns[i];
            if (column != null) {
                row.rename(i, column);
            }
            if (i >= payloadStart) {
                DataType t = row.type(i);
                if (t == null ? row.value(i) instanceof Map<?, ?> : !(t instanceof DataType.Scalar)) {
                    structs.check(row.name(i), row.value(i), t);
                }
            }
        }
        return true;
    }

    private Entry entry(String name, boolean isOwn) {
        Map<String, Entry> entries = isOwn ? own : payload;
        Entry e = entries.get(name);
        if (e == null) {
            String column = isOwn ? name : payloadColumn(name);
            String key = column.toLowerCase(Locale.ROOT);
            Integer id = ids.get(key);
            if (id == null) {
                id = ids.size();
                ids.put(key, id);
                if (id >= stamps.length) {
                    stamps = Arrays.copyOf(stamps, stamps.length * 2);
                    users = Arrays.copyOf(users, stamps.length);
                }
            }
            e = new Entry(name, column, id, invalid(name));
            entries.put(name, e);
        }
        return e;
    }

    private String collision(String first, Entry second) {
        String column = quote(second.column);
        if (first.equals(second.field)) {
            if (!separator.isEmpty() && first.contains(separator)) {
                return "fields " + quote(first) + " and " + nested(first) + " (nested, joined with "
                        + quote(separator) + "), or a repeated name, both make column " + column;
            }
            return "field " + quote(first) + " appears twice";
        }
        return "fields " + quote(first) + " and " + quote(second.field) + " both make column " + column
                + " (column names ignore case)";
    }

    private String nested(String flat) {
        StringBuilder b = new StringBuilder();
        int from = 0;
        for (int at; (at = flat.indexOf(separator, from)) >= 0; from = at + separator.length()) {
            b.append(quote(flat.substring(from, at))).append('.');
        }
        return b.append(quote(flat.substring(from))).toString();
    }

    private void reset() {
        lastSize = -1;
        own.clear();
        payload.clear();
        ids.clear();
        ownSlots.clear();
        payloadSlots.clear();
        stamps = new long[64];
        users = new int[64];
    }

    /** A name for messages: in double quotes, with control characters and lone surrogates escaped. */
    public static String quote(String name) {
        StringBuilder b = new StringBuilder(name.length() + 2).append('"');
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch == 0x7f || Character.isSurrogate(ch)
                    && !(Character.isHighSurrogate(ch) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1)))
                    && !(Character.isLowSurrogate(ch) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1)))) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        if (b.length() > 202) {
            b.setLength(200);
            b.append("...");
        }
        return b.append('"').toString();
    }

    /** What one field name becomes: its column, the id of the column's case-insensitive name, and any problem. */
    private record Entry(String field, String column, int id, String invalid) {}

    /** The entry of the name last seen at each position, by identity. */
    private static final class Slots {
        private String[] names = new String[0];
        private Entry[] entries = new Entry[0];

        Entry get(int i, String name) {
            return i < names.length && names[i] == name ? entries[i] : null;
        }

        void put(int i, String name, Entry e) {
            if (i >= names.length) {
                names = Arrays.copyOf(names, Math.max(i + 1, names.length * 2));
                entries = Arrays.copyOf(entries, names.length);
            }
            names[i] = name;
            entries[i] = e;
        }

        void clear() {
            Arrays.fill(names, null);
            Arrays.fill(entries, null);
        }
    }
}
