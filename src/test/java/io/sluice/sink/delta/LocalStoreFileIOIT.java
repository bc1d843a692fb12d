package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.Snapshot;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.CommitStateUnknownException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.LocalStore;
import io.sluice.storage.ObjectInfo;
import io.sluice.storage.ObjectStore;
import io.sluice.storage.StoreLocation;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoreFileIO} over a {@link LocalStore}: the common cases, two processes racing, and lost answers. */
class LocalStoreFileIOIT extends StoreFileIOCases {
    @TempDir
    Path dir;

    @Override
    StoreLocation freshLocation() {
        return new StoreLocation.Local(dir.resolve("store-" + UUID.randomUUID()));
    }

    @Override
    ObjectStore open(StoreLocation location) {
        return LocalStore.open(((StoreLocation.Local) location).directory());
    }

    @Override
    String outsidePath() {
        return "file:" + dir.resolve("elsewhere/t/x.json");
    }

    @Test
    void twoProcessesRacingOnOneTableLoseNoCommit() throws Exception {
        int writers = 2;
        int commits = 15;
        Path root = dir.resolve("raced-by-processes");
        Path go = dir.resolve("go");
        try (LocalStore store = LocalStore.open(root)) {
            StoreFileIO io = new StoreFileIO(store);
            KernelTables.create(DefaultEngine.create(io), io.pathOf("orders"), 10);
            Path home = Path.of(System.getProperty("sluice.home", ".")).toAbsolutePath();
            String cp = home.resolve("target/classes") + File.pathSeparator + home.resolve("target/test-classes")
                    + File.pathSeparator + home.resolve("target/lib") + File.separator + "*";
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            List<Process> racers = new ArrayList<>();
            Map<Long, String> reported = new ConcurrentHashMap<>();
            List<String> duplicates = new ArrayList<>();
            try {
                for (int w = 0; w < writers; w++) {
                    racers.add(new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-XX:+UseSerialGC",
                            "-cp", cp, DeltaRaceWriter.class.getName(), root.toString(), "orders", "proc-" + w,
                            String.valueOf(commits), go.toString())
                            .redirectError(dir.resolve("racer-" + w + ".log").toFile()).start());
                }
                List<BufferedReader> outs = new ArrayList<>();
                for (Process p : racers) {
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    int w = outs.size();
                    assertThat(out.readLine()).as("racer %d got ready; it logged: %s", w, log(w)).isEqualTo("ready");
                    outs.add(out);
                }
                Files.writeString(go, "go");
                for (int w = 0; w < writers; w++) {
                    List<String> lines = outs.get(w).lines().toList();
                    Process p = racers.get(w);
                    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("racer %d ended", w).isTrue();
                    assertThat(p.exitValue()).as("racer %d: %s; it logged: %s", w, String.join("\n", lines), log(w)).isZero();
                    for (String line : lines) {
                        String[] parts = line.split(" ");
                        String before = reported.put(Long.parseLong(parts[0]), parts[1]);
                        if (before != null) {
                            duplicates.add(before + " and " + parts[1] + " at " + parts[0]);
                        }
                    }
                }
            } finally {
                racers.forEach(Process::destroyForcibly);
            }
            assertThat(duplicates).isEmpty();
            TableChecks.assertEveryReportedCommitIsInTheLogOnce(store, io, "orders", reported, writers * commits);
        }
    }

    private String log(int racer) throws java.io.IOException {
        return Files.readString(dir.resolve("racer-" + racer + ".log"));
    }

    @Test
    void aLostAnswerReachesKernelAsAnIoErrorAndEndsInCommitStateUnknownWhenTheEntryLanded() throws Exception {
        try (LocalStore real = LocalStore.open(dir.resolve("lossy"))) {
            FailingCreates store = new FailingCreates(real);
            StoreFileIO io = new StoreFileIO(store);
            Engine engine = DefaultEngine.create(io);
            String table = io.pathOf("t");
            KernelTables.create(engine, table, 10);
            assertThat(KernelTables.append(engine, table, "app", 1, "a.parquet")).isEqualTo(1);

            // the entry lands, but the store cannot tell (as S3Store after its retries of an unanswered put run out)
            store.landThenFail = "t/_delta_log/" + version(2) + ".json";
            assertThatThrownBy(() -> KernelTables.append(engine, table, "app", 2, "b.parquet"))
                    .isInstanceOf(CommitStateUnknownException.class);
            assertThat(store.failures).isEqualTo(1);
            Snapshot after = KernelTables.latest(engine, table);
            assertThat(after.getVersion()).isEqualTo(2);
            assertThat(after.getLatestTransactionVersion(engine, "app")).contains(2L);
            assertThat(KernelTables.liveFiles(engine, after)).containsExactlyInAnyOrder("a.parquet", "b.parquet");

            // the store fails before anything lands: Kernel retries the same version, which then succeeds
            store.failBefore = "t/_delta_log/" + version(3) + ".json";
            assertThat(KernelTables.append(engine, table, "app", 3, "c.parquet")).isEqualTo(3);
            assertThat(store.failures).isEqualTo(2);
            assertThat(KernelTables.liveFiles(engine, KernelTables.latest(engine, table)))
                    .containsExactlyInAnyOrder("a.parquet", "b.parquet", "c.parquet");
        }
    }

    /**
     * A real store whose create-if-absent of one chosen key fails once, after or before it takes effect: the two ways
     * a write can end in an error. Everything else goes to the store unchanged.
     */
    private static final class FailingCreates implements ObjectStore {
        private final ObjectStore store;
        volatile String landThenFail;
        volatile String failBefore;
        volatile int failures;

        FailingCreates(ObjectStore store) {
            this.store = store;
        }

        @Override
        public boolean putIfAbsent(String key, byte[] data) {
            if (key.equals(failBefore)) {
                failBefore = null;
                failures++;
                throw new SluiceException(Stage.WRITE, describe(key) + ": create-if-absent failed: disk gone");
            }
            boolean created = store.putIfAbsent(key, data);
            if (key.equals(landThenFail)) {
                landThenFail = null;
                failures++;
                throw new SluiceException(Stage.WRITE, describe(key) + ": create-if-absent failed: no answer after 6 attempts");
            }
            return created;
        }

        @Override
        public String describe(String key) {
            return store.describe(key);
        }

        @Override
        public StoreLocation location() {
            return store.location();
        }

        @Override
        public void check() {
            store.check();
        }

        @Override
        public void put(String key, byte[] data) {
            store.put(key, data);
        }

        @Override
        public void putFile(String key, Path file) {
            store.putFile(key, file);
        }

        @Override
        public Optional<byte[]> get(String key) {
            return store.get(key);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return store.stat(key);
        }

        @Override
        public Optional<byte[]> read(String key, long offset, int length) {
            return store.read(key, offset, length);
        }

        @Override
        public List<String> list(String prefix) {
            return store.list(prefix);
        }

        @Override
        public List<ObjectInfo> listFolder(String folder, String from) {
            return store.listFolder(folder, from);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }

        @Override
        public Path stagingDirectory() {
            return store.stagingDirectory();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
