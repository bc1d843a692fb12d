package io.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetListDelete() throws IOException {
        LocalStore store = LocalStore.open(dir.resolve("out"));
        store.check();
        store.put("a.txt", bytes("one"));
        store.put("_sluice/ledger/0001.json", bytes("two"));
        store.put("date=2026-12-02/part-0.parquet", bytes("three"));
        store.put("a.txt", bytes("one again"));

        assertThat(store.get("a.txt")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("one again")));
        assertThat(store.get("missing/x")).isEmpty();
        assertThat(store.list("")).containsExactly("_sluice/ledger/0001.json", "a.txt", "date=2026-12-02/part-0.parquet");
        assertThat(store.list("_sluice/")).containsExactly("_sluice/ledger/0001.json");
        assertThat(store.list("date=")).containsExactly("date=2026-12-02/part-0.parquet");
        assertThat(store.list("nothing/here/")).isEmpty();
        assertThat(store.describe("a.txt")).isEqualTo(dir.resolve("out/a.txt").toAbsolutePath().toString());

        store.delete("a.txt");
        store.delete("a.txt");
        assertThat(store.get("a.txt")).isEmpty();
        assertThat(store.list("")).hasSize(2);
    }

    @Test
    void listFolderListsOneFolderFromANameWithSizes() throws IOException {
        LocalStore store = LocalStore.open(dir.resolve("root"));
        for (String key : List.of("log/001.json", "log/002.json", "log/010.json", "log/sub/x", "log/sub2", "top")) {
            store.put(key, key.getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("root/log/.sluice-tmp-leftover"), "x");
        assertThat(store.listFolder("log/", "002")).extracting(ObjectInfo::key)
                .containsExactly("log/002.json", "log/010.json", "log/sub2");
        assertThat(store.listFolder("log/", "002").get(0).size()).isEqualTo("log/002.json".length());
        assertThat(store.listFolder("", "")).extracting(ObjectInfo::key).containsExactly("top");
        assertThat(store.listFolder("none/", "")).isEmpty();
        assertThat(store.stat("log/sub")).as("a folder is not an object").isEmpty();
        assertThat(store.read("log/010.json", 4, 3)).hasValueSatisfying(v -> assertThat(v).isEqualTo("010".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> store.listFolder("log", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putFileMovesTheStagedFileAndListSkipsBookkeeping() throws IOException {
        LocalStore store = LocalStore.open(dir);
        Path staging = store.stagingDirectory();
        assertThat(staging.getParent()).isEqualTo(dir.toAbsolutePath());
        Path staged = Files.writeString(staging.resolve("part-1.parquet"), "four");
        Files.writeString(dir.resolve(".sluice-tmp-leftover"), "half");
        store.putFile("t/part-1.parquet", staged);
        assertThat(staged).doesNotExist();
        assertThat(store.get("t/part-1.parquet")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("four")));
        Files.writeString(staging.resolve("next.parquet"), "in progress");
        assertThat(store.list("")).containsExactly("t/part-1.parquet");
    }

    @Test
    void putIfAbsentHasExactlyOneWinnerAmong16Threads() throws Exception {
        LocalStore store = LocalStore.open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 50; round++) {
                String key = "_sluice/fence/" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    byte[] mine = bytes("writer-" + t);
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.putIfAbsent(key, mine);
                    }));
                }
                go.countDown();
                List<Integer> winners = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    if (results.get(t).get(30, TimeUnit.SECONDS)) {
                        winners.add(t);
                    }
                }
                assertThat(winners).as("winners of round %d", round).hasSize(1);
                assertThat(store.get(key)).contains(bytes("writer-" + winners.get(0)));
            }
            assertThat(store.putIfAbsent("_sluice/fence/0", bytes("late"))).isFalse();
            assertThat(store.list("")).hasSize(50); // no temporary file is left or listed
            try (var files = Files.list(dir.resolve("_sluice/fence"))) {
                assertThat(files.count()).isEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void checkOnAFileSaysItIsNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("events.parquet"), "x");
        assertThatThrownBy(() -> LocalStore.open(file).check())
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONNECT))
                .hasMessage("cannot use " + file.toAbsolutePath() + " as the output directory: it is not a directory");
        Path below = file.resolve("out");
        assertThatThrownBy(() -> LocalStore.open(below).check())
                .hasMessage("cannot use " + below.toAbsolutePath() + " as the output directory: " + file.toAbsolutePath()
                        + " is not a directory");
    }

    @Test
    void writesBelowAFileNameTheFile() throws IOException {
        LocalStore store = LocalStore.open(dir);
        store.put("t", bytes("a file"));
        assertThatThrownBy(() -> store.put("t/x", bytes("y")))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.WRITE))
                .hasMessage("cannot write " + dir.resolve("t/x").toAbsolutePath() + ": " + dir.resolve("t").toAbsolutePath()
                        + " is not a directory");
    }

    @Test
    void checkOnAReadOnlyDirectorySaysPermissionDenied() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root ignores permission bits, but sysfs refuses it too
            Path target = Files.isWritable(ro) ? Path.of("/sys/kernel/sluice-out") : ro.resolve("out");
            assumeTrue(Files.isDirectory(target.getParent()), "no directory here refuses writes");
            assertThatThrownBy(() -> LocalStore.open(target).check())
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONNECT))
                    .hasMessageStartingWith("cannot use " + target + " as the output directory: permission denied");
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void fileSystemFailuresInPlainWords() {
        assertThat(LocalStore.cause(new FileSystemException("/data/out/x", null, "No space left on device")))
                .isEqualTo("disk full (/data/out/x)");
        assertThat(LocalStore.cause(new AccessDeniedException("/data/out"))).isEqualTo("permission denied (/data/out)");
        assertThat(LocalStore.cause(new FileSystemException("/data/out", null, "Read-only file system")))
                .isEqualTo("read-only file system (/data/out)");
        assertThat(LocalStore.cause(new FileSystemException("/data/out/x", null, "Not a directory")))
                .isEqualTo("/data/out/x is not a directory");
    }

    @Test
    void keysMustBeRelativePaths() {
        LocalStore store = LocalStore.open(dir);
        for (String bad : List.of("", "/abs", "a/../b", "a//b", "dir/", ".sluice-tmp-x", "a/.sluice-staging/b")) {
            assertThatThrownBy(() -> store.put(bad, bytes("x"))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.get("ok/key")).isEqualTo(Optional.empty());
    }
}
