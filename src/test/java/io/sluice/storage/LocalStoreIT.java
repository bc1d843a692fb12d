package io.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalStore#putIfAbsent} raced by separate processes, as two Sluice runs on one directory would. */
class LocalStoreIT {
    @TempDir
    Path dir;

    @Test
    void putIfAbsentHasExactlyOneWinnerAcrossProcesses() throws Exception {
        int writers = 4;
        int rounds = 200;
        Path go = dir.resolve("go");
        String cp = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "test-classes").toAbsolutePath();
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<Process> racers = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                racers.add(new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", cp,
                        LocalStoreRace.class.getName(), dir.resolve("root").toString(), go.toString(),
                        String.valueOf(rounds), "writer-" + w).redirectErrorStream(true).start());
            }
            Files.writeString(go, "go");
            Map<Integer, List<String>> winners = new HashMap<>();
            for (int w = 0; w < writers; w++) {
                Process p = racers.get(w);
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("writer %d ended", w).isTrue();
                assertThat(p.exitValue()).as("writer %d: %s", w, out).isZero();
                for (String line : out.lines().toList()) {
                    winners.computeIfAbsent(Integer.parseInt(line.strip()), k -> new ArrayList<>()).add("writer-" + w);
                }
            }
            LocalStore store = LocalStore.open(dir.resolve("root"));
            for (int round = 0; round < rounds; round++) {
                assertThat(winners.get(round)).as("winners of round %d", round).hasSize(1);
                assertThat(store.get("fence/" + round).map(v -> new String(v, StandardCharsets.UTF_8)))
                        .contains(winners.get(round).get(0));
            }
            assertThat(store.list("")).hasSize(rounds);
        } finally {
            racers.forEach(Process::destroyForcibly);
        }
    }
}
