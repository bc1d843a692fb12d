package io.sluice.sink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.Snapshot;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.sluice.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;

/** The checks after writers raced on one table. */
final class TableChecks {
    private TableChecks() {}

    /**
     * Every version a writer was told it committed holds that writer's file and no other version does: versions 1 to
     * {@code expected} were each reported once, the table is at {@code expected}, its live files are the reported ones
     * exactly once, and each writer's transaction version is its last commit. Files are named {@code writer-i.parquet}.
     */
    static void assertEveryReportedCommitIsInTheLogOnce(ObjectStore store, StoreFileIO io, String tableKey,
                                                        Map<Long, String> reported, int expected) throws Exception {
        assertThat(reported.keySet()).as("versions reported as committed")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, expected).boxed().toList());
        Engine engine = DefaultEngine.create(new StoreFileIO(store));
        Snapshot snapshot = KernelTables.latest(engine, io.pathOf(tableKey));
        assertThat(snapshot.getVersion()).isEqualTo(expected);
        assertThat(KernelTables.liveFiles(engine, snapshot)).containsExactlyInAnyOrderElementsOf(reported.values());
        Map<String, Long> last = new HashMap<>();
        reported.forEach((version, file) -> {
            String entry = store.get(tableKey + "/_delta_log/" + String.format("%020d", version) + ".json")
                    .map(b -> new String(b, StandardCharsets.UTF_8)).orElseThrow();
            assertThat(entry).as("log entry %d", version).contains("\"path\":\"" + file + "\"");
            String name = file.substring(0, file.length() - ".parquet".length());
            int dash = name.lastIndexOf('-');
            last.merge(name.substring(0, dash), Long.parseLong(name.substring(dash + 1)), Math::max);
        });
        for (Map.Entry<String, Long> w : last.entrySet()) {
            assertThat(snapshot.getLatestTransactionVersion(engine, w.getKey())).as(w.getKey()).contains(w.getValue());
        }
    }
}
