package io.sluice.sink.parquet;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a table's ledger lives and how entries are found: {@code <table>/_sluice/ledger/<seq, 20 digits>.json}, so
 * the newest entry sorts last. Tables are listed in {@code _sluice/tables/<table>} (written before a table's first
 * entry), so finding the tables does not list every data file under the root.
 */
final class Ledger {
    static final String TABLES = "_sluice/tables/";
    private static final Pattern ENTRY = Pattern.compile("([0-9]{20})\\.json");
    /** {@code part-<seq>-<writer8>-<n>.parquet}: the ledger entry a data file was written for, and by whom. */
    static final Pattern DATA_FILE = Pattern.compile("part-([0-9]{20})-([0-9a-f]{8})-([0-9]+)\\.parquet");

    private Ledger() {}

    static String dir(String table) {
        return table + "/_sluice/ledger/";
    }

    static String key(String table, long seq) {
        return dir(table) + String.format("%020d", seq) + ".json";
    }

    static String dataFileName(long seq, String writer8, int n) {
        return String.format("part-%020d-%s-%d.parquet", seq, writer8, n);
    }

    /** The tables the root lists (some may have no entry yet). */
    static List<String> tables(ObjectStore store) {
        List<String> out = new ArrayList<>();
        for (String k : store.list(TABLES)) {
            String name = k.substring(TABLES.length());
            if (!name.isEmpty() && !name.contains("/")) {
                out.add(name);
            }
        }
        return out;
    }

    static void mark(ObjectStore store, String table) {
        if (store.get(TABLES + table).isEmpty()) {
            store.put(TABLES + table, ("{\"table\": \"" + table + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The newest entry of {@code table}, or empty when it has none. */
    static Optional<LedgerEntry> newest(ObjectStore store, String table) {
        List<String> keys = store.list(dir(table));
        for (int i = keys.size() - 1; i >= 0; i--) {
            String name = keys.get(i).substring(dir(table).length());
            Matcher m = ENTRY.matcher(name);
            if (m.matches()) {
                return Optional.of(read(store, table, keys.get(i)));
            }
        }
        return Optional.empty();
    }

    static Optional<LedgerEntry> entry(ObjectStore store, String table, long seq) {
        String key = key(table, seq);
        return store.get(key).map(bytes -> parse(store, table, key, bytes));
    }

    private static LedgerEntry read(ObjectStore store, String table, String key) {
        byte[] bytes = store.get(key).orElseThrow(() -> new SluiceException(Stage.OFFSETS,
                "ledger entry " + store.describe(key) + " vanished while it was being read"));
        return parse(store, table, key, bytes);
    }

    private static LedgerEntry parse(ObjectStore store, String table, String key, byte[] bytes) {
        try {
            return LedgerEntry.parse(table, bytes);
        } catch (IllegalArgumentException e) {
            throw new SluiceException(Stage.OFFSETS, "cannot read ledger entry " + store.describe(key) + " of table " + table
                    + ": " + e.getMessage());
        }
    }
}
