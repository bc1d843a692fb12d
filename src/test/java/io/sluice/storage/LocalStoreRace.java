package io.sluice.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One racer of {@link LocalStoreIT}, in a JVM of its own: waits for the start file, then tries to create every round's
 * key and prints the rounds it won. Arguments: root, start file, rounds, writer name.
 */
public final class LocalStoreRace {
    private LocalStoreRace() {}

    public static void main(String[] args) throws Exception {
        LocalStore store = LocalStore.open(Path.of(args[0]));
        Path go = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        String me = args[3];
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                System.exit(2);
            }
            Thread.onSpinWait();
        }
        for (int round = 0; round < rounds; round++) {
            if (store.putIfAbsent("fence/" + round, me.getBytes(StandardCharsets.UTF_8))) {
                System.out.println(round);
            }
        }
    }
}
