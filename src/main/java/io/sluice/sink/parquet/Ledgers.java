package io.sluice.sink.parquet;

import io.sluice.schema.Column;
import io.sluice.sink.StoredPosition;
import io.sluice.sink.parquet.LedgerEntry.Kind;
import io.sluice.storage.ObjectStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ledgers under a sink's root, read without writing anything (plan, offsets show, schema diff, query). */
final class Ledgers implements AutoCloseable {
    private final ObjectStore store;
    private final boolean exists;

    private Ledgers(ObjectStore store, boolean exists) {
        this.store = store;
        this.exists = exists;
    }

    static Ledgers read(ParquetSinkConfig config) {
        boolean exists = !(config.path() instanceof io.sluice.storage.StoreLocation.Local l) || Files.isDirectory(l.directory());
        return new Ledgers(Stores.open(config), exists);
    }

    ObjectStore store() {
        return store;
    }

    /** Each table's newest entry, by table name. */
    Map<String, LedgerEntry> heads() {
        Map<String, LedgerEntry> out = new LinkedHashMap<>();
        if (!exists) {
            return out;
        }
        for (String table : Ledger.tables(store)) {
            Ledger.newest(store, table).ifPresent(e -> out.put(table, e));
        }
        return out;
    }

    List<StoredPosition> positions() {
        List<StoredPosition> out = new ArrayList<>();
        heads().values().forEach(e -> out.addAll(e.positions()));
        return out;
    }

    Optional<List<Column>> columns(String table) {
        if (!exists) {
            return Optional.empty();
        }
        for (String t : Ledger.tables(store)) {
            if (t.equalsIgnoreCase(table)) {
                return Ledger.newest(store, t).map(LedgerEntry::columns).filter(c -> !c.isEmpty());
            }
        }
        return Optional.empty();
    }

    /** The keys of the data files the commits of {@code table} list, sorted. */
    List<String> committedFiles(String table) {
        Map<Long, Optional<LedgerEntry>> entries = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String k : store.list(table + "/")) {
            java.util.regex.Matcher m = Ledger.DATA_FILE.matcher(k.substring(k.lastIndexOf('/') + 1));
            if (k.startsWith(table + "/_sluice/") || !m.matches()) {
                continue;
            }
            Optional<LedgerEntry> e = entries.computeIfAbsent(Long.parseLong(m.group(1)), s -> Ledger.entry(store, table, s));
            if (e.isPresent() && e.get().kind() == Kind.COMMIT && e.get().writer().startsWith(m.group(2))
                    && e.get().files().stream().anyMatch(f -> f.key().equals(k))) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public void close() {
        store.close();
    }
}
