package io.sluice.sink.delta;

import io.sluice.sink.TableMaintenance;
import io.sluice.storage.StoreLocation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link TableMaintenance} of a Delta sink's tables: one {@link DeltaStore}, each operation in its own class. */
final class DeltaMaintenance implements TableMaintenance {
    private final DeltaStore delta;
    private final Optional<Path> localRoot;
    private final Clock clock;

    private DeltaMaintenance(DeltaStore delta, Optional<Path> localRoot, Clock clock) {
        this.delta = delta;
        this.localRoot = localRoot;
        this.clock = clock;
    }

    static DeltaMaintenance open(DeltaSinkConfig config, Clock clock) {
        Optional<Path> local = config.path() instanceof StoreLocation.Local l
                ? Optional.of(l.directory().toAbsolutePath().normalize()) : Optional.empty();
        return new DeltaMaintenance(DeltaStore.open(config), local, clock);
    }

    @Override
    public List<String> tables() {
        if (localRoot.isPresent() && !java.nio.file.Files.isDirectory(localRoot.get())) {
            return List.of();
        }
        return delta.tables().stream().sorted().toList();
    }

    @Override
    public Optimized optimize(String table, long targetBytes) {
        return new Compaction(delta, localRoot, clock).run(table, targetBytes);
    }

    @Override
    public Vacuumed vacuum(String table, Duration retain, boolean dryRun, boolean force) {
        return new Vacuum(delta, clock).run(table, retain, dryRun, force);
    }

    @Override
    public List<Version> history(String table, int limit) {
        return new History(delta).run(table, limit);
    }

    @Override
    public TableView show(String table, Optional<Long> version, Optional<Instant> timestamp) {
        return new Show(delta).run(table, version, timestamp);
    }

    @Override
    public void close() {
        delta.close();
    }
}
