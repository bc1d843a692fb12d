package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.sluice.pipeline.SluiceException;
import io.sluice.storage.ObjectStore;
import io.sluice.storage.StoreLocation;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What {@link StoreFileIO} must do on every store, run by {@link LocalStoreFileIOIT} and {@link S3StoreFileIOIT}: the
 * FileIO calls one by one, then Kernel itself creating, appending to, checkpointing and racing on tables through it.
 */
abstract class StoreFileIOCases {
    static final String LOG = "t/_delta_log/";

    /** A location no other test uses. */
    abstract StoreLocation freshLocation();

    /** A new handle on the store at {@code location} (another writer's, or after a restart); the caller closes it. */
    abstract ObjectStore open(StoreLocation location);

    /** A path of the same kind as the store's that is outside its root. */
    abstract String outsidePath();

    /** How many threads race in {@link #racingWritersLoseNoCommit}, and how many commits each makes. */
    int racers() {
        return 4;
    }

    int commitsPerRacer() {
        return 8;
    }

    ObjectStore newStore() {
        return open(freshLocation());
    }

    ObjectStore sameLocation(ObjectStore store) {
        return open(store.location());
    }

    static String version(long v) {
        return String.format("%020d", v);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static CloseableIterator<String> lines(String... lines) {
        return KernelTables.closeable(List.of(lines).iterator());
    }

    @Test
    void writeAtomicallyCreatesOnceAndThrowsFileAlreadyExistsForAnExistingKey() throws Exception {
        try (ObjectStore store = newStore()) {
            StoreFileIO io = new StoreFileIO(store);
            String key = LOG + version(0) + ".json";
            String path = io.pathOf(key);
            io.newOutputFile(path).writeAtomically(lines("{\"a\":1}", "{\"b\":2}"), false);
            assertThat(store.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("{\"a\":1}\n{\"b\":2}\n")));

            assertThatThrownBy(() -> io.newOutputFile(path).writeAtomically(lines("{\"c\":3}"), false))
                    .isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessage(store.describe(key) + ": another writer created it first");
            assertThat(store.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("{\"a\":1}\n{\"b\":2}\n")));

            io.newOutputFile(path).writeAtomically(lines("{\"c\":3}"), true);
            assertThat(store.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("{\"c\":3}\n")));
            // and through another handle, as another process would
            try (ObjectStore other = sameLocation(store)) {
                assertThatThrownBy(() -> new StoreFileIO(other).newOutputFile(path).writeAtomically(lines("{}"), false))
                        .isInstanceOf(FileAlreadyExistsException.class);
            }
        }
    }

    @Test
    void listFromListsOneFolderSortedFromTheName() throws Exception {
        try (ObjectStore store = newStore()) {
            StoreFileIO io = new StoreFileIO(store);
            Instant before = Instant.now().minus(Duration.ofMinutes(1));
            for (String name : List.of(version(0) + ".json", version(1) + ".json", version(1) + ".checkpoint.parquet",
                    version(2) + ".json", "_last_checkpoint", "_sidecars/a.parquet")) {
                store.put(LOG + name, bytes("x".repeat(name.length())));
            }
            store.put("t/_delta_log2/" + version(5) + ".json", bytes("a sibling folder"));
            store.put("t/" + version(5) + ".json", bytes("the parent folder"));

            List<FileStatus> listed = new ArrayList<>();
            try (CloseableIterator<FileStatus> it = io.listFrom(io.pathOf(LOG + version(1) + "."))) {
                it.forEachRemaining(listed::add);
            }
            assertThat(listed).extracting(FileStatus::getPath).containsExactly(
                    io.pathOf(LOG + version(1) + ".checkpoint.parquet"), io.pathOf(LOG + version(1) + ".json"),
                    io.pathOf(LOG + version(2) + ".json"), io.pathOf(LOG + "_last_checkpoint"));
            assertThat(listed).extracting(FileStatus::getSize).containsExactly((long) (version(1) + ".checkpoint.parquet").length(),
                    (long) (version(1) + ".json").length(), (long) (version(2) + ".json").length(), 16L);
            assertThat(listed).allSatisfy(f -> assertThat(Instant.ofEpochMilli(f.getModificationTime())).isAfter(before));

            try (CloseableIterator<FileStatus> it = io.listFrom(io.pathOf(LOG + version(9) + "."))) {
                assertThat(it.next().getPath()).isEqualTo(io.pathOf(LOG + "_last_checkpoint")); // '_' sorts after digits
                assertThat(it.hasNext()).isFalse();
            }
            try (CloseableIterator<FileStatus> it = io.listFrom(io.pathOf(LOG + "zz"))) {
                assertThat(it.hasNext()).as("nothing from zz on, in a folder that exists").isFalse();
            }
            assertThatThrownBy(() -> io.listFrom(io.pathOf("missing/_delta_log/" + version(0) + ".")))
                    .isInstanceOf(FileNotFoundException.class)
                    .hasMessage(store.describe("missing/_delta_log") + "/ holds no files");

            FileStatus status = io.getFileStatus(io.pathOf(LOG + "_last_checkpoint"));
            assertThat(status.getPath()).isEqualTo(io.pathOf(LOG + "_last_checkpoint"));
            assertThat(status.getSize()).isEqualTo(16);
            assertThatThrownBy(() -> io.getFileStatus(io.pathOf(LOG + "nothing")))
                    .isInstanceOf(FileNotFoundException.class)
                    .hasMessage(store.describe(LOG + "nothing") + " does not exist");
            assertThat(io.resolvePath(io.pathOf("t") + "/")).isEqualTo(io.pathOf("t"));
            assertThat(io.mkdirs(io.pathOf("t/new/dir"))).isTrue();
        }
    }

    @Test
    void inputFilesSeekAndReadByPosition() throws Exception {
        try (ObjectStore store = newStore()) {
            StoreFileIO io = new StoreFileIO(store);
            byte[] data = new byte[3 * StoreInputStream.CHUNK + 123];
            new Random(42).nextBytes(data);
            store.put("t/blob", data);
            String path = io.pathOf("t/blob");

            InputFile file = io.newInputFile(path, data.length);
            assertThat(file.length()).isEqualTo(data.length);
            try (SeekableInputStream in = file.newStream()) {
                byte[] tail = new byte[8];
                in.seek(data.length - 8);
                in.readFully(tail, 0, 8);
                assertThat(tail).isEqualTo(Arrays.copyOfRange(data, data.length - 8, data.length));
                assertThat(in.getPos()).isEqualTo(data.length);
                assertThat(in.read()).isEqualTo(-1);

                byte[] small = new byte[100];
                in.seek(10);
                in.readFully(small, 0, 100);
                assertThat(small).isEqualTo(Arrays.copyOfRange(data, 10, 110));
                in.seek(5);
                assertThat(in.read()).isEqualTo(data[5] & 0xff);
                assertThat(in.getPos()).isEqualTo(6);

                // across the read-ahead chunk, then a read larger than one chunk
                byte[] big = new byte[2 * StoreInputStream.CHUNK + 7];
                in.seek(1000);
                in.readFully(big, 0, big.length);
                assertThat(big).isEqualTo(Arrays.copyOfRange(data, 1000, 1000 + big.length));

                in.seek(data.length - 3);
                assertThatThrownBy(() -> in.readFully(new byte[10], 0, 10))
                        .isInstanceOf(EOFException.class)
                        .hasMessage(store.describe("t/blob") + " ends at byte " + data.length + ", 7 bytes before the end"
                                + " of the read");
            }

            // Kernel reads _last_checkpoint without telling the size
            InputFile unsized = io.newInputFile(path, -1);
            assertThat(unsized.length()).isEqualTo(data.length);
            try (SeekableInputStream in = unsized.newStream()) {
                byte[] last = new byte[5];
                in.seek(data.length - 5);
                in.readFully(last, 0, 5);
                assertThat(last).isEqualTo(Arrays.copyOfRange(data, data.length - 5, data.length));
                assertThat(in.read()).isEqualTo(-1);
            }

            // and _last_checkpoint with a placeholder size of 0: the content, or FileNotFoundException when missing
            try (SeekableInputStream in = io.newInputFile(path, 0).newStream()) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            try (SeekableInputStream in = io.newInputFile(io.pathOf("t/none"), 0).newStream()) {
                assertThatThrownBy(() -> in.read(new byte[100])).isInstanceOf(FileNotFoundException.class);
            }

            InputFile missing = io.newInputFile(io.pathOf("t/none"), -1);
            try (SeekableInputStream in = missing.newStream()) {
                assertThatThrownBy(in::read).isInstanceOf(FileNotFoundException.class)
                        .hasMessage(store.describe("t/none") + " does not exist");
            }
            assertThatThrownBy(missing::length).isInstanceOf(FileNotFoundException.class);

            assertThat(store.read("t/blob", data.length, 10)).hasValueSatisfying(v -> assertThat(v).isEmpty());
            assertThat(store.read("t/blob", 7, 0)).hasValueSatisfying(v -> assertThat(v).isEmpty());
            assertThat(store.read("t/blob", data.length - 2, 10)).hasValueSatisfying(v -> assertThat(v).hasSize(2));
            assertThat(store.read("t/none", 0, 1)).isEmpty();
        }
    }

    @Test
    void createShowsTheFileOnlyWhenClosed() throws Exception {
        try (ObjectStore store = newStore()) {
            StoreFileIO io = new StoreFileIO(store);
            String key = LOG + version(10) + ".checkpoint.parquet";
            byte[] data = new byte[200_000];
            new Random(7).nextBytes(data);
            try (PositionOutputStream out = io.newOutputFile(io.pathOf(key)).create(true)) {
                out.write(data, 0, 1000);
                out.write(data[1000]);
                out.write(data, 1001, data.length - 1001);
                assertThat(out.getPos()).isEqualTo(data.length);
                assertThat(store.stat(key)).as("not visible before close").isEmpty();
            }
            assertThat(store.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(data));
            assertThat(store.stat(key)).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(data.length));
        }
    }

    @Test
    void aPathOutsideTheStoreIsRefusedNamingIt() {
        try (ObjectStore store = newStore()) {
            StoreFileIO io = new StoreFileIO(store);
            assertThatThrownBy(() -> io.newOutputFile(outsidePath()))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith("cannot use " + outsidePath() + " in the Delta table: it is outside "
                            + io.pathOf("") + ", where this sink reads and writes");
            assertThatThrownBy(() -> io.listFrom(outsidePath())).isInstanceOf(SluiceException.class);
        }
    }

    @Test
    void kernelAppendsCheckpointsAndReadsTheTableBackFromTheCheckpoint() throws Exception {
        String table;
        Map<Long, String> committed = new HashMap<>();
        StoreLocation location = freshLocation();
        try (ObjectStore store = open(location)) {
            StoreFileIO io = new StoreFileIO(store);
            Engine engine = DefaultEngine.create(io);
            table = io.pathOf("events");
            assertThat(KernelTables.create(engine, table, 5)).isZero();
            for (int i = 1; i <= 12; i++) {
                long v = KernelTables.append(engine, table, "app", i, "part-" + i + ".parquet");
                committed.put(v, "part-" + i + ".parquet");
            }
            assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 12)
                    .mapToObj(Long::valueOf).toList());
            // the CHECKPOINT hooks ran at versions 5 and 10
            assertThat(store.stat("events/_delta_log/" + version(10) + ".checkpoint.parquet")).isPresent();
            assertThat(store.get("events/_delta_log/_last_checkpoint").map(String::new).orElseThrow())
                    .contains("\"version\":10");
            // a metadata cleanup: the table can now be read only through checkpoint 10 (a Parquet file read by position)
            for (int v = 0; v < 10; v++) {
                store.delete("events/_delta_log/" + version(v) + ".json");
            }
        }
        try (ObjectStore store = open(location)) {
            StoreFileIO io = new StoreFileIO(store);
            Engine engine = DefaultEngine.create(io);
            Snapshot snapshot = KernelTables.latest(engine, table);
            assertThat(snapshot.getVersion()).isEqualTo(12);
            assertThat(snapshot.getLatestTransactionVersion(engine, "app")).contains(12L);
            assertThat(KernelTables.liveFiles(engine, snapshot)).containsExactlyInAnyOrderElementsOf(committed.values());
            Snapshot atTen = TableManager.loadSnapshot(table).atVersion(10).build(engine);
            assertThat(KernelTables.liveFiles(engine, atTen)).hasSize(10);
            assertThat(atTen.getLatestTransactionVersion(engine, "app")).contains(10L);

            // an explicit checkpoint at 12, then the table read once more in a fresh engine
            snapshot.writeCheckpoint(engine);
            assertThat(store.get("events/_delta_log/_last_checkpoint").map(String::new).orElseThrow())
                    .contains("\"version\":12");
            Engine fresh = DefaultEngine.create(new StoreFileIO(store));
            assertThat(KernelTables.liveFiles(fresh, KernelTables.latest(fresh, table)))
                    .containsExactlyInAnyOrderElementsOf(committed.values());
        }
    }

    @Test
    void racingWritersLoseNoCommit() throws Exception {
        int racers = racers();
        int commits = commitsPerRacer();
        try (ObjectStore store = newStore()) {
            StoreFileIO io = new StoreFileIO(store);
            String table = io.pathOf("raced");
            KernelTables.create(DefaultEngine.create(io), table, 5);

            Map<Long, String> reported = new ConcurrentHashMap<>();
            List<String> duplicates = new ArrayList<>();
            CyclicBarrier start = new CyclicBarrier(racers);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            List<ObjectStore> handles = new ArrayList<>();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < racers; w++) {
                    ObjectStore own = sameLocation(store);
                    handles.add(own);
                    String writer = "writer-" + w;
                    done.add(pool.submit(() -> {
                        Engine engine = DefaultEngine.create(new StoreFileIO(own));
                        start.await();
                        for (int i = 1; i <= commits; i++) {
                            String file = writer + "-" + i + ".parquet";
                            String before = reported.put(KernelTables.append(engine, table, writer, i, file), file);
                            if (before != null) {
                                synchronized (duplicates) {
                                    duplicates.add(before + " and " + file);
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
                handles.forEach(ObjectStore::close);
            }
            assertThat(duplicates).as("versions two writers were both told they committed").isEmpty();
            TableChecks.assertEveryReportedCommitIsInTheLogOnce(store, io, "raced", reported, racers * commits);
        }
    }
}
