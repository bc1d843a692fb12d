package io.sluice.it.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.it.KillLoop;
import io.sluice.it.Sluice;
import io.sluice.it.TestBroker;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.RegistrySpec;
import io.sluice.schema.Column;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import io.sluice.sink.SinkCapabilities;
import io.sluice.sink.SinkRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every sink promises, run end to end: {@code bin/sluice} as a real process against the test JVM's KRaft broker
 * ({@link TestBroker}), with what landed read back by an independent reader and compared in a sink-neutral form
 * ({@link Canonical}). A sink passes by extending this class with its seam (below) and nothing else: the expectations
 * come from the contract, and where sinks legitimately differ from its {@link SinkCapabilities} (asked through the
 * manifest, as the run loop asks) or from the few flags here, never from a check of which sink it is.
 *
 * <p>The seam: {@link #sinkBlock} (the manifest's {@code sink:} section, {@code table: "{topic}"}), an independent reader
 * ({@link #columns}, {@link #rows}, {@link #count}, {@link #distinctPositions}; {@link DuckDbReader} reads anything
 * DuckDB can), {@link #wipe}, and optionally {@link #environment} and the flag {@link #fencesAtOpen}.
 *
 * <p>Every topic, pipeline and table is unique per test ({@link #topic}); topics are valid identifiers, so the table a
 * topic maps to through {@code {topic}} has the topic's name.
 */
public abstract class SinkContract {
    /** Records of the kill -9 test: enough for several commits of a sink that commits every few thousand rows. */
    protected static final int KILL_RECORDS = 240_000;
    protected static final int KILL_PARTITIONS = 4;
    protected static final int RACE_RECORDS = 100_000;

    private static DevSchemaRegistry registry;
    private static SchemaRegistryClient registryClient;

    @TempDir
    static Path registryDir;

    @TempDir
    protected Path work;

    // ---------------------------------------------------------------- the seam

    /**
     * The manifest's {@code sink:} section for this sink, as YAML starting at column 0 with {@code sink:}, writing under
     * {@code work} (relative paths resolve against it: every {@code sluice} process runs there) with
     * {@code table: "{topic}"}. It should commit often (every few thousand rows, or a few hundred milliseconds), so the
     * kill -9 test lands kills between commits: a sink that commits once per run cannot be killed half-way.
     */
    protected abstract String sinkBlock(Path work);

    /** Extra environment for every {@code sluice} process (credentials, endpoints); none by default. */
    protected Map<String, String> environment(Path work) {
        return Map.of();
    }

    /**
     * The table's columns in table order, Sluice's {@code _kafka_} columns included, as an independent reader sees them
     * (not the sink's own code), as Sluice types; empty when the table has nothing committed yet.
     */
    protected abstract List<Column> columns(Path work, String table);

    /**
     * Every committed row of the table read by an independent reader, ordered by {@code (_kafka_partition,
     * _kafka_offset)}, each column's value in the {@link Canonical} form of the column's Sluice type; empty when the table
     * has nothing committed yet.
     */
    protected abstract List<Map<String, String>> rows(Path work, String table);

    /** The table's committed row count; 0 when it has nothing committed yet. */
    protected abstract long count(Path work, String table);

    /** How many distinct {@code (_kafka_partition, _kafka_offset)} the table's committed rows hold; 0 when none. */
    protected abstract long distinctPositions(Path work, String table);

    /** Removes everything the sink wrote under {@code work} (data and positions), as if it never ran. */
    protected abstract void wipe(Path work) throws IOException;

    /**
     * Whether a second writer of a pipeline is refused when it opens the sink (a lock held since open, as DuckDB's file
     * lock), rather than fenced when it commits (a compare-and-set on the stored positions, as a file sink's ledger).
     * Either way nothing is duplicated; this only tells which of two overlapping continuous runs must be the one
     * stopped: with fencing at open, always the second.
     */
    protected boolean fencesAtOpen() {
        return false;
    }

    // ---------------------------------------------------------------- helpers

    @BeforeAll
    static void startRegistry() {
        registry = DevSchemaRegistry.start(registryDir, 0);
        registryClient = new SchemaRegistryClient(RegistrySpec.of(registry.url()));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    /** A new topic with a unique name that is also a valid table name. */
    protected static String topic(String prefix, int partitions) {
        String t = prefix + "_" + Long.toHexString(System.nanoTime() & 0xffffffffffL);
        TestBroker.createTopic(t, partitions);
        awaitLeaders(t, partitions);
        return t;
    }

    /**
     * Waits until the broker serves every partition of a new topic: a producer that sends before it does gets
     * NOT_LEADER_OR_FOLLOWER and then out-of-order sequence retries that can take a minute.
     */
    private static void awaitLeaders(String topic, int partitions) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                var d = TestBroker.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (Exception e) {
                // not known yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("topic " + topic + " has no leader for every partition within 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A pipeline {@code name} reading {@code topic} with the given {@code source.options} flow mapping, plus {@code extra} YAML. */
    protected Path manifest(String name, String topic, String options, String extra) {
        String yaml = """
                name: %s
                source:
                  type: kafka
                  connection: {bootstrap_servers: "%s", timeout_ms: 10000}
                  topics: [%s]
                  options: %s
                """.formatted(name, TestBroker.bootstrap(), topic, options) + sinkBlock(work).stripTrailing() + "\n" + extra;
        return Sluice.manifest(work, yaml);
    }

    protected Sluice.Result sluice(String... args) {
        return Sluice.run(work, environment(work), args);
    }

    protected Process start(Path log, String... args) throws IOException {
        return Sluice.builder(work, environment(work), args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** What the manifest's sink can do, asked as the run loop asks it. */
    protected SinkCapabilities capabilities(Path manifest) {
        SinkRegistry sinks = SinkRegistry.load();
        PipelineSpec p = new ManifestLoader(environment(work), sinks).load(manifest).pipelines().get(0);
        return sinks.provider(p.sink().type()).orElseThrow().capabilities(p.sink().config());
    }

    private List<Column> userColumns(String table) {
        return columns(work, table).stream().filter(c -> !c.name().startsWith("_kafka_")).toList();
    }

    private List<Map<String, String>> userRows(String table) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> row : rows(work, table)) {
            Map<String, String> r = new LinkedHashMap<>(row);
            r.keySet().removeIf(k -> k.startsWith("_kafka_"));
            out.add(r);
        }
        return out;
    }

    /** A row of canonical values: alternating column names and values (null for null). */
    protected static Map<String, String> row(String... namesAndValues) {
        Map<String, String> r = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            r.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return r;
    }

    private static List<Column> cols(Object... namesAndTypes) {
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            out.add(new Column((String) namesAndTypes[i], (DataType) namesAndTypes[i + 1]));
        }
        return out;
    }

    /** The stored next offsets per partition of the manifest's topic, from {@code offsets show --format json}. */
    private Map<Integer, Long> storedOffsets(Path m, String table) throws IOException {
        Sluice.Result show = sluice("offsets", "show", m.toString(), "--format", "json");
        assertThat(show.exit()).as(show.toString()).isZero();
        Map<Integer, Long> out = new HashMap<>();
        for (JsonNode r : Canonical.JSON.readTree(show.stdout())) {
            assertThat(r.get("table").asText()).as("offsets show names the table each partition feeds").isEqualTo(table);
            out.put(r.get("partition").asInt(), r.get("stored_offset").isNull() ? null : r.get("stored_offset").asLong());
        }
        return out;
    }

    private static void produce(String topic, int partitions, int count, IntFunction<String> value) {
        TestBroker.produceJson(topic, partitions, count, value);
    }

    // ---------------------------------------------------------------- kill -9

    @Test
    void killNineAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
        String topic = topic("crash", KILL_PARTITIONS);
        produce(topic, KILL_PARTITIONS, KILL_RECORDS, i -> "{\"id\":" + i + ",\"reading\":{\"temperature\":" + (i % 50)
                + ".25,\"pressure\":" + (1000 + i % 13) + "},\"machine\":\"m-" + (i % 97) + "\",\"note\":\"" + "x".repeat(i % 40) + "\"}");
        Path m = manifest("crash_" + topic, topic, "{batch_size: 5000}", "");
        KillLoop.run(work, m, environment(work), KILL_RECORDS, new KillLoop.Target() {
            @Override
            public long count() {
                return SinkContract.this.count(work, topic);
            }

            @Override
            public void reset() throws IOException {
                wipe(work);
            }
        });
        assertThat(count(work, topic)).as("rows").isEqualTo(KILL_RECORDS);
        assertThat(distinctPositions(work, topic)).as("distinct (partition, offset)").isEqualTo(KILL_RECORDS);
        assertThat(storedOffsets(m, topic).values().stream().mapToLong(Long::longValue).sum()).as("stored next offsets")
                .isEqualTo(KILL_RECORDS);
    }

    // ---------------------------------------------------------------- schema evolution

    /** Runs {@code policy} over 3 records {@code {"id": i}}, then {@code second} (a value for offsets 3, 4, ...). */
    private record Evolved(String table, Sluice.Result first, Sluice.Result second, SinkCapabilities capabilities) {}

    private Evolved evolve(String policy, IntFunction<String> firstValues, int secondCount, IntFunction<String> secondValues) {
        String topic = topic("evolve", 1);
        produce(topic, 1, 3, firstValues);
        Path m = manifest("ev_" + topic, topic, "{batch_size: 100}", policy.isEmpty() ? "" : "schema: {evolution: " + policy + "}\n");
        Sluice.Result first = sluice("run", m.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        produce(topic, 1, secondCount, i -> secondValues.apply(3 + i));
        return new Evolved(topic, first, sluice("run", m.toString()), capabilities(m));
    }

    private void assertFailed(Evolved e, String... messages) {
        assertThat(e.second().exit()).as(e.second().toString()).isEqualTo(1);
        assertThat(e.second().stderr()).contains(messages).contains("Nothing of this batch was committed.");
        assertThat(count(work, e.table())).as("nothing of the failed batch landed").isEqualTo(3);
    }

    @Test
    void newColumnEvolveAddsTheColumn() {
        Evolved e = evolve("{new_column: evolve}", i -> "{\"id\":" + i + "}", 2, i -> "{\"id\":" + i + ",\"extra\":\"e" + i + "\"}");
        assertThat(e.second().exit()).as(e.second().toString()).isZero();
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER, "extra", Scalar.VARCHAR));
        assertThat(userRows(e.table())).containsExactly(row("id", "0", "extra", null), row("id", "1", "extra", null),
                row("id", "2", "extra", null), row("id", "3", "extra", "e3"), row("id", "4", "extra", "e4"));
    }

    @Test
    void newColumnFreezeStopsTheRunNamingTheColumnAndRecord() {
        Evolved e = evolve("{new_column: freeze}", i -> "{\"id\":" + i + "}", 2, i -> "{\"id\":" + i + ",\"extra\":\"e\"}");
        assertFailed(e, "table " + e.table() + " has no column extra VARCHAR, and schema.evolution.new_column is freeze"
                + " (first in record " + e.table() + "/0@3)");
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER));
    }

    @Test
    void newColumnDiscardRowLeavesOutTheRowsThatHaveIt() {
        Evolved e = evolve("{new_column: discard_row}", i -> "{\"id\":" + i + "}", 4,
                i -> i % 2 == 1 ? "{\"id\":" + i + ",\"extra\":\"e\"}" : "{\"id\":" + i + "}");
        assertThat(e.second().exit()).as(e.second().toString()).isZero();
        assertThat(e.second().stderr()).contains("left out 2 rows with new columns (schema.evolution.new_column: discard_row)")
                .contains("read 4, written 2, skipped 2");
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER));
        assertThat(userRows(e.table())).containsExactly(row("id", "0"), row("id", "1"), row("id", "2"), row("id", "4"), row("id", "6"));
    }

    @Test
    void newColumnDiscardValueKeepsTheRowsWithoutIt() {
        Evolved e = evolve("{new_column: discard_value}", i -> "{\"id\":" + i + "}", 2, i -> "{\"id\":" + i + ",\"extra\":\"e\"}");
        assertThat(e.second().exit()).as(e.second().toString()).isZero();
        assertThat(e.second().stderr()).contains("table " + e.table() + ": dropped 2 values of new columns (schema.evolution.new_column: discard_value)");
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER));
        assertThat(userRows(e.table())).containsExactly(row("id", "0"), row("id", "1"), row("id", "2"), row("id", "3"), row("id", "4"));
    }

    /** INTEGER values first, then BIGINT ones: a safe widening, if the sink can apply it. */
    private Evolved widen(String policy) {
        return evolve(policy, i -> "{\"id\":" + i + ",\"v\":" + i + "}", 2, i -> "{\"id\":" + i + ",\"v\":" + (5_000_000_000L + i) + "}");
    }

    private static boolean canWiden(Evolved e) {
        return e.capabilities().types().canWiden(Scalar.INTEGER, Scalar.BIGINT);
    }

    /** A widening the sink cannot apply is a breaking change, and the default breaking_change: fail stops the run. */
    private void assertBreakingFailure(Evolved e, String column, String tableType, String batchType, long offset) {
        assertFailed(e, "breaking schema change in table " + e.table() + " (schema.evolution.breaking_change is fail;",
                "column " + column + ": the table has " + tableType + ", the batch has " + batchType
                        + " (first in record " + e.table() + "/0@" + offset + ")");
    }

    @Test
    void typeWideningEvolveWidensTheColumnKeepingEveryValue() {
        Evolved e = widen("{type_widening: evolve}");
        if (!canWiden(e)) {
            assertBreakingFailure(e, "v", "INTEGER", "BIGINT", 3);
            return;
        }
        assertThat(e.second().exit()).as(e.second().toString()).isZero();
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER, "v", Scalar.BIGINT));
        assertThat(userRows(e.table())).containsExactly(row("id", "0", "v", "0"), row("id", "1", "v", "1"), row("id", "2", "v", "2"),
                row("id", "3", "v", "5000000003"), row("id", "4", "v", "5000000004"));
    }

    @Test
    void typeWideningFreezeStopsTheRun() {
        Evolved e = widen("{type_widening: freeze}");
        if (!canWiden(e)) {
            assertBreakingFailure(e, "v", "INTEGER", "BIGINT", 3);
            return;
        }
        assertFailed(e, "column v of table " + e.table() + " would widen from INTEGER to BIGINT, and schema.evolution.type_widening"
                + " is freeze (first in record " + e.table() + "/0@3)");
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER, "v", Scalar.INTEGER));
    }

    @Test
    void breakingChangeFailStopsTheRunWithADiff() {
        Evolved e = evolve("{breaking_change: fail}", i -> "{\"id\":" + i + "}", 2, i -> "{\"id\":\"x" + i + "\"}");
        assertBreakingFailure(e, "id", "INTEGER", "VARCHAR", 3);
        assertThat(e.second().stderr()).contains("table columns: id INTEGER").contains("batch columns: id VARCHAR");
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER));
    }

    @Test
    void breakingChangeVariantKeepsTheValuesThatDoNotFitInAVariantColumn() {
        Evolved e = evolve("{breaking_change: variant}", i -> "{\"id\":" + i + "}", 2,
                i -> i == 3 ? "{\"id\":\"x" + i + "\"}" : "{\"id\":" + i + "}");
        assertThat(e.second().exit()).as(e.second().toString()).isZero();
        assertThat(e.second().stderr()).contains("! id INTEGER cannot hold VARCHAR values; they go to __sluice_nc__id");
        assertThat(userColumns(e.table())).containsExactlyElementsOf(cols("id", Scalar.INTEGER, "__sluice_nc__id", Scalar.VARCHAR));
        assertThat(userRows(e.table())).containsExactly(row("id", "0", "__sluice_nc__id", null), row("id", "1", "__sluice_nc__id", null),
                row("id", "2", "__sluice_nc__id", null), row("id", null, "__sluice_nc__id", "x3"), row("id", "4", "__sluice_nc__id", null));
    }

    // ---------------------------------------------------------------- golden format cases

    static Stream<String> goldenCases() throws IOException {
        return GoldenCases.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void goldenFormatCaseLandsExactlyAsExpected(String name) throws Exception {
        String topic = topic("golden_" + name.replace('-', '_'), 1);
        try (KafkaProducer<byte[], byte[]> p = bytesProducer()) {
            for (byte[] v : GoldenCases.encode(name, topic, registryClient)) {
                p.send(new ProducerRecord<>(topic, 0, null, v));
            }
            p.flush();
        }
        Path m = manifest("golden_" + topic, topic, GoldenCases.options(name, registry.url()), "");
        Sluice.Result run = sluice("run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        List<Column> columns = userColumns(topic);
        List<Map<String, String>> rows = userRows(topic);
        String landed = GoldenCases.render(columns, rows);
        assertThat(Files.exists(GoldenCases.expectedFile(name))).as("no expected.json for " + name + "; what landed:\n" + landed).isTrue();
        GoldenCases.Expected expected = GoldenCases.expected(name);
        // a type the sink does not hold lands as the type it holds instead
        SinkCapabilities caps = capabilities(m);
        List<Column> expectedColumns = expected.columns().stream().map(c -> new Column(c.name(), caps.types().stored(c.type()))).toList();
        assertThat(columns).as("columns of golden case " + name + "; what landed:\n" + landed).containsExactlyElementsOf(expectedColumns);
        assertThat(rows).as("rows of golden case " + name + "; what landed:\n" + landed).containsExactlyElementsOf(expected.rows());
    }

    private static KafkaProducer<byte[], byte[]> bytesProducer() {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", TestBroker.bootstrap());
        return new KafkaProducer<>(p, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    // ---------------------------------------------------------------- offsets reset

    @Test
    void offsetsResetToEarliestReloadsAndToLatestReadsNothing() throws Exception {
        String topic = topic("reset", 2);
        produce(topic, 2, 20, i -> "{\"i\":" + i + "}");
        Path m = manifest("reset_" + topic, topic, "{}", "");
        Sluice.Result run = sluice("run", m.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(storedOffsets(m, topic)).isEqualTo(Map.of(0, 10L, 1, 10L));

        Sluice.Result earliest = sluice("offsets", "reset", m.toString(), "--to", "earliest", "--yes");
        assertThat(earliest.exit()).as(earliest.toString()).isZero();
        assertThat(storedOffsets(m, topic)).isEqualTo(Map.of(0, 0L, 1, 0L));
        Sluice.Result again = sluice("run", m.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.stderr()).contains("read 20, written 20");
        assertThat(count(work, topic)).as("every record loaded twice").isEqualTo(40);
        assertThat(distinctPositions(work, topic)).isEqualTo(20);
        assertThat(storedOffsets(m, topic)).isEqualTo(Map.of(0, 10L, 1, 10L));

        produce(topic, 2, 6, i -> "{\"i\":" + (100 + i) + "}");
        Sluice.Result latest = sluice("offsets", "reset", m.toString(), "--to", "latest", "--yes");
        assertThat(latest.exit()).as(latest.toString()).isZero();
        assertThat(storedOffsets(m, topic)).isEqualTo(Map.of(0, 13L, 1, 13L));
        Sluice.Result none = sluice("run", m.toString());
        assertThat(none.exit()).as(none.toString()).isZero();
        assertThat(none.stderr()).contains("read 0, written 0");
        assertThat(count(work, topic)).isEqualTo(40);
    }

    // ---------------------------------------------------------------- fencing

    private void assertFencedMessage(Sluice.Result r, String pipeline) {
        assertThat(r.exit()).as("a writer that lost exits 3: " + r).isEqualTo(3);
        assertThat(r.stderr()).as(r.toString()).contains("pipeline " + pipeline).contains("another writer");
    }

    @Test
    void twoBoundedRunsStartedTogetherWriteEachRecordOnce() throws Exception {
        String topic = topic("race", 4);
        produce(topic, 4, RACE_RECORDS, i -> "{\"id\":" + i + ",\"machine\":\"m-" + (i % 97) + "\",\"v\":" + (i % 1000) + ".5}");
        String pipeline = "race_" + topic;
        Path m = manifest(pipeline, topic, "{batch_size: 5000}", "");
        Path logA = work.resolve("a.log");
        Path logB = work.resolve("b.log");
        Process a = start(logA, "run", m.toString());
        Process b = start(logB, "run", m.toString());
        List<Sluice.Result> results = new ArrayList<>();
        for (Object[] pl : new Object[][] {{a, logA}, {b, logB}}) {
            Process p = (Process) pl[0];
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                a.destroyForcibly();
                b.destroyForcibly();
                throw new AssertionError("a racing run did not end within 120 s: " + Files.readString((Path) pl[1]));
            }
            results.add(new Sluice.Result(p.exitValue(), "", Files.readString((Path) pl[1])));
        }
        System.out.printf("race: exits %d and %d%n", results.get(0).exit(), results.get(1).exit());
        results.stream().filter(r -> r.exit() != 0).forEach(r -> System.out.println("race: the fenced run said: " + lastLines(r.stderr())));
        assertThat(results).as("at least one run completes").anyMatch(r -> r.exit() == 0);
        for (Sluice.Result r : results) {
            if (r.exit() != 0) {
                assertFencedMessage(r, pipeline);
            }
        }
        assertThat(count(work, topic)).as("rows").isEqualTo(RACE_RECORDS);
        assertThat(distinctPositions(work, topic)).as("distinct (partition, offset)").isEqualTo(RACE_RECORDS);
    }

    private static final Pattern COMMITTED = Pattern.compile("progress: (\\d+) committed");

    private static long committed(Path log) throws IOException {
        Matcher m = COMMITTED.matcher(Files.readString(log));
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    @Test
    void aSecondContinuousRunStopsOneOfTheTwoAndNothingIsDuplicated() throws Exception {
        String topic = topic("live", 2);
        AtomicInteger produced = new AtomicInteger();
        IntFunction<String> value = i -> "{\"id\":" + i + "}";
        produce(topic, 2, 1000, value);
        produced.set(1000);
        String pipeline = "live_" + topic;
        Path m = manifest(pipeline, topic, "{read_mode: continuous, batch_timeout_ms: 200}", "");
        Path logA = work.resolve("first.log");
        Path logB = work.resolve("second.log");
        Process first = start(logA, "run", m.toString());
        Process second = null;
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (KafkaProducer<String, String> p = TestBroker.producer(Map.of())) {
                while (producing.get()) {
                    for (int k = 0; k < 50; k++) {
                        int i = produced.getAndIncrement();
                        p.send(new ProducerRecord<>(topic, i % 2, "k" + i, value.apply(i)));
                    }
                    p.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "contract-producer");
        try {
            waitFor("the first run commits the first 1000 records", () -> committed(logA) >= 1000, first, logA);
            producer.start();
            second = start(logB, "run", m.toString());
            Process a = first;
            Process b = second;
            waitFor("one of the two runs stops", () -> !a.isAlive() || !b.isAlive(), null, logA);
            Process stopped = !first.isAlive() ? first : second;
            Process survivor = stopped == first ? second : first;
            Path stoppedLog = stopped == first ? logA : logB;
            System.out.printf("continuous fencing: the %s run stopped%n", stopped == first ? "first" : "second");
            assertFencedMessage(new Sluice.Result(stopped.waitFor(10, TimeUnit.SECONDS) ? stopped.exitValue() : -1, "",
                    Files.readString(stoppedLog)), pipeline);
            System.out.println("continuous fencing: the stopped run said: " + lastLines(Files.readString(stoppedLog)));
            if (fencesAtOpen()) {
                assertThat(stopped).as("with fencing at open, the second writer is refused").isSameAs(second);
            }
            producing.set(false);
            producer.join(10_000);
            int total = produced.get();
            Path survivorLog = stopped == first ? logB : logA;
            survivor.destroy(); // SIGTERM: a continuous run commits the batch in hand and exits 0
            assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).as("the surviving run stops on SIGTERM").isTrue();
            assertThat(survivor.exitValue()).as(Files.readString(survivorLog)).isZero();
            // whatever the survivor had not read yet, one more bounded run loads; then every record is there exactly once
            Sluice.Result rest = Sluice.run(work, environment(work), "run", Sluice.manifest(work, Files.readString(m)
                    .replace("read_mode: continuous, ", "")).toString());
            assertThat(rest.exit()).as(rest.toString()).isZero();
            assertThat(count(work, topic)).as("rows").isEqualTo(total);
            assertThat(distinctPositions(work, topic)).as("distinct (partition, offset)").isEqualTo(total);
        } finally {
            producing.set(false);
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    private static String lastLines(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n  ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} for up to 60 s; fails early when {@code process} (if any) ends first. */
    private static void waitFor(String what, Condition condition, Process process, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.holds()) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("waiting until " + what + ", the run ended (exit " + process.exitValue() + "):\n"
                        + Files.readString(log));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited 60 s until " + what + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }
}
