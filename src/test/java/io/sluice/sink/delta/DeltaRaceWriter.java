package io.sluice.sink.delta;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.sluice.storage.LocalStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One writer of {@link LocalStoreFileIOIT}'s two-process race, in a JVM of its own: loads the table once (so Kernel is
 * warm), waits for the start file, then appends {@code commits} files and prints "version file" for each commit Kernel
 * reports. Arguments: store root, table key, writer name, commits, start file.
 */
public final class DeltaRaceWriter {
    private DeltaRaceWriter() {}

    public static void main(String[] args) throws Exception {
        try (LocalStore store = LocalStore.open(Path.of(args[0]))) {
            StoreFileIO io = new StoreFileIO(store);
            String table = io.pathOf(args[1]);
            String writer = args[2];
            int commits = Integer.parseInt(args[3]);
            Path go = Path.of(args[4]);
            Engine engine = DefaultEngine.create(io);
            KernelTables.latest(engine, table);
            System.out.println("ready");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    System.exit(2);
                }
                Thread.sleep(5);
            }
            for (int i = 1; i <= commits; i++) {
                String file = writer + "-" + i + ".parquet";
                System.out.println(KernelTables.append(engine, table, writer, i, file) + " " + file);
            }
        }
    }
}
