package io.sluice.sink.delta;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.sluice.storage.ObjectStore;
import io.sluice.storage.ObjectStores;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a Delta sink's tables live: Sluice's object store for the data files and for reading the log, and a Kernel
 * engine whose file I/O goes through the same store, so every commit file is created only if absent.
 */
final class DeltaStore implements AutoCloseable {
    final ObjectStore store;
    final Engine engine;
    private final StoreFileIO files;

    private DeltaStore(ObjectStore store, StoreFileIO files) {
        this.store = store;
        this.files = files;
        this.engine = DefaultEngine.create(files);
    }

    static DeltaStore open(DeltaSinkConfig config) {
        ObjectStore store = ObjectStores.open(config.path(), config.s3Settings());
        return new DeltaStore(store, new StoreFileIO(store));
    }

    /** The table's location as Kernel takes it (a plain path: Kernel encodes it where the log needs a URI). */
    String tablePath(String table) {
        return files.pathOf(table);
    }

    /**
     * The store key of {@code path}, a plain path (as Kernel's file statuses give them) under table {@code table};
     * IllegalStateException when it is not under the table.
     */
    String key(String table, String path) {
        String key;
        try {
            key = files.keyOf(path);
        } catch (io.sluice.pipeline.SluiceException e) {
            throw new IllegalStateException(path + " is not under table " + table, e);
        }
        if (!key.startsWith(table + "/")) {
            throw new IllegalStateException(path + " is not under table " + table);
        }
        return key;
    }

    /** The store key of a directory Kernel gives as a URI ({@code DataWriteContext.getTargetDirectory()}). */
    String keyOfUri(String uri) {
        java.net.URI u = java.net.URI.create(uri);
        String plain = u.getScheme() == null ? u.getPath()
                : u.getScheme() + ":" + (u.getAuthority() == null ? "" : "//" + u.getAuthority()) + u.getPath();
        return files.keyOf(plain);
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
