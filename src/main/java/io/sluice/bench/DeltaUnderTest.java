package io.sluice.bench;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.sink.delta.DeltaSinkProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Delta sink writing to a local directory, one table per topic. After the run, the rows of the table's current
 * snapshot (its live files, as {@code sluice query} reads them) are counted.
 */
final class DeltaUnderTest implements SinkUnderTest {
    private final Path dir;
    private final String topic;

    DeltaUnderTest(Path dir, String topic) {
        this.dir = dir;
        this.topic = topic;
    }

    @Override
    public String label() {
        return "Delta";
    }

    @Override
    public String manifestSection() {
        return "sink:\n  type: delta\n  path: \"" + dir + "\"\n  table: \"{topic}\"\n";
    }

    @Override
    public Landed landed() {
        String table = io.sluice.schema.Names.safeIdentifier(topic);
        if (!Files.isDirectory(dir.resolve(table).resolve("_delta_log"))) {
            throw new SluiceException(Stage.SETUP, "the pipeline wrote no Delta table at " + dir.resolve(table));
        }
        long[] n = DeltaSinkProvider.countRows(dir, table);
        return new Landed(n[0], n[1]);
    }
}
