package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestException;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.Problem;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.pipeline.Words;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.SinkRegistry;
import io.sluice.sink.TableMaintenance;
import io.sluice.sink.TableMaintenance.ColumnView;
import io.sluice.sink.TableMaintenance.Optimized;
import io.sluice.sink.TableMaintenance.TableView;
import io.sluice.sink.TableMaintenance.Vacuumed;
import io.sluice.sink.TableMaintenance.Version;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "table", description = "Upkeep of the Delta tables a pipeline writes: compact small files, delete files"
        + " no version needs, list versions, show a table as of a version.",
        subcommands = {TableCommand.Optimize.class, TableCommand.Vacuum.class, TableCommand.History.class,
                TableCommand.Show.class})
final class TableCommand {
    private TableCommand() {}

    /** The manifest, the pipeline whose sink holds the tables, the table and the output format. */
    static final class Options {
        @Parameters(index = "0", paramLabel = "MANIFEST", description = "The pipeline manifest (YAML).")
        Path manifest;

        @Option(names = "--pipeline", paramLabel = "NAME",
                description = "The pipeline whose sink's tables to work on (default: the only one, or the first when all"
                        + " share one sink).")
        String pipeline;

        @Option(names = "--table", paramLabel = "TABLE", description = "Only this table (default: every table of the sink).")
        String table;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
                description = "Output: text (default) or json, on stdout.")
        ManifestOptions.OutputFormat format;

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        boolean json() {
            return format == ManifestOptions.OutputFormat.json;
        }

        PrintWriter out() {
            return command.commandLine().getOut();
        }

        PrintWriter err() {
            return command.commandLine().getErr();
        }

        /** The chosen pipeline's sink, opened for maintenance; the manifest's warnings go to stderr. */
        Opened open() {
            SinkRegistry sinks = SinkRegistry.load();
            Manifest m = new ManifestLoader(System.getenv(), sinks).load(manifest);
            m.warnings().forEach(w -> err().println("warning: " + w));
            PipelineSpec p = choose(m);
            SinkProvider provider = sinks.provider(p.sink().type()).orElseThrow(() -> new SluiceException(Stage.MANIFEST,
                    "no sink type " + p.sink().type()));
            TableMaintenance tm = provider.openMaintenance(p.sink().config(), p.name()).orElseThrow(() -> new SluiceException(
                    Stage.MANIFEST, "pipeline " + p.name() + " writes to sink type " + p.sink().type() + ", which keeps no"
                    + " table versions: `sluice table` works on Delta tables (sink.type: delta)"));
            return new Opened(p, tm);
        }

        private PipelineSpec choose(Manifest m) {
            List<PipelineSpec> all = m.pipelines();
            List<String> names = all.stream().map(PipelineSpec::name).toList();
            if (pipeline != null) {
                return m.pipeline(pipeline).orElseThrow(() -> new ManifestException(List.of(new Problem(m.file(), 0, "",
                        "no pipeline named \"" + pipeline + "\" (pipelines: " + String.join(", ", names) + ")"))));
            }
            boolean oneSink = all.stream().map(x -> x.sink().type() + " " + x.sink().config().location()).distinct().count() == 1;
            if (!oneSink) {
                throw new ManifestException(List.of(new Problem(m.file(), 0, "", "the pipelines write to different sinks;"
                        + " choose one with --pipeline (pipelines: " + String.join(", ", names) + ")")));
            }
            return all.get(0);
        }

        /** The tables to work on: {@code --table} (matched case-insensitively), or all of them. */
        List<String> tables(Opened o) {
            List<String> all = o.maintenance().tables();
            String where = o.pipeline().sink().config().location();
            if (table == null) {
                if (all.isEmpty()) {
                    throw new SluiceException(Stage.QUERY, "pipeline " + o.pipeline().name() + " has not written any table"
                            + " yet under " + where + " (`sluice run` creates them)");
                }
                return all;
            }
            for (String t : all) {
                if (t.equals(table)) {
                    return List.of(t);
                }
            }
            for (String t : all) {
                if (t.equalsIgnoreCase(table)) {
                    return List.of(t);
                }
            }
            throw new SluiceException(Stage.MANIFEST, "--table " + table + ": no Delta table of that name under " + where
                    + (all.isEmpty() ? " (it holds no tables yet; `sluice run` creates them)" : " (tables: "
                    + String.join(", ", all) + ")"));
        }
    }

    record Opened(PipelineSpec pipeline, TableMaintenance maintenance) implements AutoCloseable {
        @Override
        public void close() {
            maintenance.close();
        }
    }

    @Command(name = "optimize", description = "Compacts, per partition, the files smaller than the target size into files"
            + " of about that size, in one commit per table that changes no row (readers and running pipelines go on).")
    static final class Optimize implements Callable<Integer> {
        @Mixin
        Options opts;

        @Option(names = "--target-size", paramLabel = "SIZE", defaultValue = "128MB", converter = SizeConverter.class,
                description = "The size of the files to make, e.g. 128MB (default), 1GB, 64MiB.")
        long target;

        @Override
        public Integer call() {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Opened o = opts.open()) {
                for (String t : opts.tables(o)) {
                    Optimized r = o.maintenance().optimize(t, target);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("table", r.table());
                    row.put("version", r.version().orElse(null));
                    row.put("partitions", r.partitions());
                    row.put("files_removed", r.filesRemoved());
                    row.put("files_added", r.filesAdded());
                    row.put("bytes_removed", r.bytesRemoved());
                    row.put("bytes_added", r.bytesAdded());
                    row.put("rows", r.rows());
                    rows.add(row);
                    if (!opts.json()) {
                        opts.err().println(r.version().isEmpty()
                                ? "sluice: table " + t + ": nothing to compact (no partition has two files smaller than "
                                        + size(target) + ")"
                                : "sluice: table " + t + ": " + Words.count(r.filesRemoved(), "file") + " ("
                                        + size(r.bytesRemoved()) + ") compacted into " + r.filesAdded() + " ("
                                        + size(r.bytesAdded()) + "), version " + r.version().get());
                    }
                }
            }
            if (opts.json()) {
                opts.out().println(Json.write(rows));
            } else {
                rows.forEach(r -> {
                    r.put("bytes_removed", size((Long) r.get("bytes_removed")));
                    r.put("bytes_added", size((Long) r.get("bytes_added")));
                });
                Table.print(opts.out(), rows, List.of("table", "version", "partitions", "files_removed", "files_added",
                        "bytes_removed", "bytes_added", "rows"));
            }
            opts.err().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "vacuum", description = "Deletes the files of a table that no version within the retention references"
            + " and that are older than it (Delta's VACUUM).")
    static final class Vacuum implements Callable<Integer> {
        @Mixin
        Options opts;

        @Option(names = "--retain", paramLabel = "DURATION", required = true, converter = DurationConverter.class,
                description = "Keep what versions of this long ago need, e.g. 168h (7 days, Delta's default), 30d, 90m.")
        Duration retain;

        @Option(names = "--dry-run", description = "Only list the files it would delete.")
        boolean dryRun;

        @Option(names = "--force", description = "Allow a retention below the table's delta.deletedFileRetentionDuration.")
        boolean force;

        @Override
        public Integer call() {
            List<Map<String, Object>> rows = new ArrayList<>();
            List<Vacuumed> results = new ArrayList<>();
            try (Opened o = opts.open()) {
                for (String t : opts.tables(o)) {
                    Vacuumed r = o.maintenance().vacuum(t, retain, dryRun, force);
                    results.add(r);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("table", r.table());
                    row.put("dry_run", r.dryRun());
                    row.put("files", r.deleted().size());
                    row.put("bytes", r.bytes());
                    row.put("kept_recent", r.keptRecent());
                    row.put("retain", describe(r.retain()));
                    row.put("table_retention", describe(r.retention()));
                    if (opts.json()) {
                        row.put("deleted", r.deleted());
                    }
                    rows.add(row);
                }
            }
            if (opts.json()) {
                opts.out().println(Json.write(rows));
                return ExitCodes.OK;
            }
            rows.forEach(r -> r.put("bytes", size((Long) r.get("bytes"))));
            Table.print(opts.out(), rows, List.of("table", "files", "bytes", "kept_recent", "retain", "table_retention"));
            for (Vacuumed r : results) {
                if (r.dryRun()) {
                    r.deleted().forEach(f -> opts.out().println("would delete " + r.table() + "/" + f));
                }
                opts.err().println("sluice: table " + r.table() + ": " + (r.dryRun() ? "would delete " : "deleted ")
                        + Words.count(r.deleted().size(), "file") + " (" + size(r.bytes()) + ") older than "
                        + describe(r.retain()) + " that no version of that window references"
                        + (r.keptRecent() > 0 ? "; kept " + r.keptRecent() + " newer unreferenced" : ""));
            }
            opts.out().flush();
            opts.err().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "history", description = "Lists a table's versions, newest first: time, operation, rows and files"
            + " added and removed, schema changes.")
    static final class History implements Callable<Integer> {
        @Mixin
        Options opts;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most this many versions per table (default 100).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new SluiceException(Stage.MANIFEST, "--limit " + limit + ": must be at least 1");
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Opened o = opts.open()) {
                for (String t : opts.tables(o)) {
                    for (Version v : o.maintenance().history(t, limit)) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("table", t);
                        row.put("version", v.version());
                        row.put("timestamp", v.timestamp().toString());
                        row.put("operation", v.operation());
                        row.put("rows_added", v.rowsAdded().orElse(null));
                        row.put("rows_removed", v.rowsRemoved().orElse(null));
                        row.put("files_added", v.filesAdded());
                        row.put("files_removed", v.filesRemoved());
                        row.put("schema_changes", opts.json() ? v.schemaChanges()
                                : v.schemaChanges().isEmpty() ? null : String.join("; ", v.schemaChanges()));
                        rows.add(row);
                    }
                }
            }
            if (opts.json()) {
                opts.out().println(Json.write(rows));
            } else {
                Table.print(opts.out(), rows, List.of("table", "version", "timestamp", "operation", "rows_added",
                        "rows_removed", "files_added", "files_removed", "schema_changes"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "A table as of its newest version, a version or a time: rows, files, size,"
            + " columns and partition columns.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Options opts;

        @ArgGroup(exclusive = true)
        AsOf asOf;

        static final class AsOf {
            @Option(names = "--version", paramLabel = "N", description = "As of version N.")
            Long version;

            @Option(names = "--timestamp", paramLabel = "TIME", converter = InstantConverter.class,
                    description = "As of the last version at or before TIME: 2026-12-02T10:00:00Z, 2026-12-02 10:00:00"
                            + " (UTC), 2026-12-02, or milliseconds since 1970.")
            Instant timestamp;
        }

        @Override
        public Integer call() {
            if (opts.table == null) {
                throw new SluiceException(Stage.MANIFEST, "sluice table show needs --table TABLE");
            }
            TableView v;
            try (Opened o = opts.open()) {
                String t = opts.tables(o).get(0);
                v = o.maintenance().show(t, asOf == null ? Optional.empty() : Optional.ofNullable(asOf.version),
                        asOf == null ? Optional.empty() : Optional.ofNullable(asOf.timestamp));
            }
            if (opts.json()) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("table", v.table());
                root.put("location", v.location());
                root.put("version", v.version());
                root.put("timestamp", v.timestamp().toString());
                root.put("rows", v.rows().orElse(null));
                root.put("files", v.files());
                root.put("bytes", v.bytes());
                root.put("partition_columns", v.partitionColumns());
                List<Map<String, Object>> cols = new ArrayList<>();
                for (ColumnView c : v.columns()) {
                    Map<String, Object> col = new LinkedHashMap<>();
                    col.put("name", c.name());
                    col.put("type", c.type());
                    col.put("nullable", c.nullable());
                    cols.add(col);
                }
                root.put("columns", cols);
                opts.out().println(Json.write(root));
                return ExitCodes.OK;
            }
            PrintWriter out = opts.out();
            out.println("table       " + v.table());
            out.println("location    " + v.location());
            out.println("version     " + v.version());
            out.println("timestamp   " + v.timestamp());
            out.println("rows        " + v.rows().map(String::valueOf).orElse("unknown (a file has no statistics)"));
            out.println("files       " + v.files());
            out.println("size        " + size(v.bytes()) + " (" + v.bytes() + " bytes)");
            out.println("partitions  " + (v.partitionColumns().isEmpty() ? "-" : String.join(", ", v.partitionColumns())));
            out.println("columns:");
            List<Map<String, Object>> cols = new ArrayList<>();
            for (ColumnView c : v.columns()) {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("name", c.name());
                col.put("type", c.type());
                col.put("nullable", c.nullable() ? "yes" : "no");
                cols.add(col);
            }
            Table.print(out, cols, List.of("name", "type", "nullable"), "  ");
            return ExitCodes.OK;
        }
    }

    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m|h|d|w)", Pattern.CASE_INSENSITIVE);

    /** A size as the manifest takes one: 128MB, 1GB, 64MiB (1KB to 1TB; KB, MB, ... count in 1024s, as there). */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("\"" + value + "\" is not a size (examples: 128MB, 1GB, 64MiB)");
            }
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT).replace("I", "");
            long mult = switch (unit) {
                case "KB" -> 1L << 10;
                case "MB" -> 1L << 20;
                case "GB" -> 1L << 30;
                case "TB" -> 1L << 40;
                default -> 1;
            };
            double bytes = Double.parseDouble(m.group(1)) * mult;
            if (bytes < 1024 || bytes > (1L << 40)) {
                throw new TypeConversionException("\"" + value + "\" is out of range (allowed: 1KB to 1TB)");
            }
            return (long) bytes;
        }
    }

    /** A duration such as 168h, 7d, 90m, 30s, 500ms or 2w. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("\"" + value + "\" is not a duration (examples: 168h, 7d, 90m, 30s)");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
    }

    /** An ISO-8601 instant or date-time with offset, a date-time or date in UTC, or milliseconds since the epoch. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String v = value.strip();
            if (v.matches("\\d{10,}")) {
                return Instant.ofEpochMilli(Long.parseLong(v));
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                // try the next form
            }
            try {
                return LocalDateTime.parse(v.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // try the next form
            }
            try {
                return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("\"" + value + "\" is not a time (examples: 2026-12-02T10:00:00Z,"
                        + " \"2026-12-02 10:00:00\" in UTC, 2026-12-02, 1764669600000)");
            }
        }
    }

    /** Like {@code 168h}, {@code 90m}, {@code 30s}: how {@code --retain} takes it. */
    static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
