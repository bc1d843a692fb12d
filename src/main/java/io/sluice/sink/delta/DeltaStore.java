package io.sluice.sink.delta;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.sluice.storage.ObjectStore;
import io.sluice.storage.ObjectStores;
import io.sluice.storage.StoreLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a Delta sink's tables live: Sluice's object store for the data files and for reading the log, and a Kernel
 * engine whose file I/O goes through the same store, so every commit file is created only if absent.
 */
final class DeltaStore implements AutoCloseable {
    final ObjectStore store;
    final Engine engine;
    private final String root;

    private DeltaStore(ObjectStore store, Engine engine, String root) {
        this.store = store;
        this.engine = engine;
        this.root = root;
    }

    static DeltaStore open(DeltaSinkConfig config) {
        ObjectStore store = ObjectStores.open(config.path(), config.s3Settings());
        String root = config.path() instanceof StoreLocation.Local l
                ? "file:" + l.directory().toAbsolutePath().normalize()
                : config.path().toString();
        root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        // TODO: StoreFileIO (create-if-absent commits through the store)
        Engine engine = DefaultEngine.create(new org.apache.hadoop.conf.Configuration());
        return new DeltaStore(store, engine, root);
    }

    /** The table's location as Kernel takes it. */
    String tablePath(String table) {
        return root + "/" + table;
    }

    /** The store key of {@code location}, a path under the table {@code table} as Kernel gives it. */
    String key(String table, String location) {
        String prefix = tablePath(table) + "/";
        String l = location.startsWith("file:///") ? "file:/" + location.substring("file:///".length()) : location;
        if (!l.startsWith(prefix)) {
            throw new IllegalStateException(location + " is not under " + prefix);
        }
        return table + "/" + l.substring(prefix.length());
    }

    /** The names of the tables under the root: directories holding a {@code _delta_log}. */
    List<String> tables() {
        List<String> out = new ArrayList<>();
        String last = null;
        for (String k : store.list("")) {
            int log = k.indexOf("/_delta_log/");
            if (log > 0 && k.indexOf('/') == log) {
                String t = k.substring(0, log);
                if (!t.equals(last)) {
                    out.add(t);
                    last = t;
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        store.close();
    }
}
