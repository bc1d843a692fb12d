package io.sluice.it.delta;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Delta fixture tables the reader tests share, written with Kernel ({@link KernelTables}). {@link #events} walks
 * through what Sluice's tables do over their life:
 * <ol start="0">
 *   <li>create: column mapping by name, type widening, domain metadata, a checkpoint every 3 commits, partitioned
 *       by region (string) and day (date);</li>
 *   <li>append offsets 0-2: two rows in eu/2026-01-01, one in region {@code a/b=c} (a value that needs escaping in a
 *       path), with txn(sluice-test, 1) and a positions domain;</li>
 *   <li>append offsets 3-4: one row in the null partition (region and day null), one in eu/2026-01-02; txn 2;</li>
 *   <li>schema change: {@code reading} widened from integer to long, column {@code note} added (the checkpoint hook
 *       writes a checkpoint at this version);</li>
 *   <li>append offsets 5-6 in eu/2026-01-01, with notes and a reading past the integer range;</li>
 *   <li>compaction: the two eu/2026-01-01 files removed and their rows re-added as one file, dataChange=false.</li>
 * </ol>
 */
public final class DeltaFixtures {
    public static final String APP_ID = "sluice-test";
    public static final String DOMAIN = "sluice.positions";
    public static final Instant T0 = Instant.parse("2026-01-01T10:00:00.123456Z");
    public static final LocalDate DAY1 = LocalDate.parse("2026-01-01");
    public static final LocalDate DAY2 = LocalDate.parse("2026-01-02");

    private DeltaFixtures() {}

    public static StructType eventsSchema() {
        return new StructType()
                .add("_kafka_partition", IntegerType.INTEGER)
                .add("_kafka_offset", LongType.LONG)
                .add("id", LongType.LONG)
                .add("region", StringType.STRING)
                .add("day", DateType.DATE)
                .add("reading", IntegerType.INTEGER)
                .add("ts", TimestampType.TIMESTAMP)
                .add("price", new DecimalType(10, 2))
                .add("tags", new ArrayType(StringType.STRING, true))
                .add("attrs", new MapType(StringType.STRING, LongType.LONG, true))
                .add("device", new StructType().add("name", StringType.STRING).add("fw", IntegerType.INTEGER));
    }

    /** One row of the events table; {@code note} is only written once the schema has it. */
    public static Map<String, Object> event(long offset, String region, LocalDate day, Object reading, String note) {
        Map<String, Object> r = new HashMap<>();
        r.put("_kafka_partition", 0);
        r.put("_kafka_offset", offset);
        r.put("id", 100 + offset);
        r.put("region", region);
        r.put("day", day);
        r.put("reading", reading);
        r.put("ts", T0.plusSeconds(offset));
        r.put("price", new BigDecimal(offset + ".50"));
        r.put("tags", offset % 2 == 0 ? List.of("a", "b" + offset) : null);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("k" + offset, offset * 10);
        r.put("attrs", attrs);
        Map<String, Object> device = new HashMap<>();
        device.put("name", "dev-" + offset);
        device.put("fw", (int) offset);
        r.put("device", offset == 3 ? null : device);
        if (note != null) {
            r.put("note", note);
        }
        return r;
    }

    /** Builds {@link #events} in {@code dir}; returns the writer, whose {@code addedPaths} name its files in order. */
    public static KernelTables events(Path dir) {
        Map<String, String> props = Map.of("delta.enableTypeWidening", "true", "delta.checkpointInterval", "3",
                "delta.feature.domainMetadata", "supported");
        KernelTables t = KernelTables.create(dir, eventsSchema(), List.of("region", "day"), props);
        List<Map<String, Object>> first = List.of(event(0, "eu", DAY1, 20, null), event(1, "eu", DAY1, null, null),
                event(2, "a/b=c", DAY1, 22, null));
        t.append(first, APP_ID, 1, Map.of(DOMAIN, "{\"0\":3}"));
        t.append(List.of(event(3, null, null, 23, null), event(4, "eu", DAY2, 24, null)), APP_ID, 2, Map.of(DOMAIN, "{\"0\":5}"));
        t.evolve(s -> {
            List<StructField> fields = new ArrayList<>();
            for (StructField f : s.fields()) {
                fields.add(f.getName().equals("reading") ? f.withDataType(LongType.LONG) : f);
            }
            return new StructType(fields).add("note", StringType.STRING);
        });
        List<Map<String, Object>> later = List.of(event(5, "eu", DAY1, 5_000_000_000L, "five"), event(6, "eu", DAY1, 26L, null));
        t.append(later);
        List<String> eu1 = List.of(t.addedPaths().get(0), t.addedPaths().get(4));
        List<Map<String, Object>> compacted = new ArrayList<>();
        for (Map<String, Object> r : List.of(first.get(0), first.get(1), later.get(0), later.get(1))) {
            Map<String, Object> c = new HashMap<>(r);
            if (c.get("reading") instanceof Integer i) {
                c.put("reading", (long) i);
            }
            compacted.add(c);
        }
        t.compact(eu1, compacted);
        return t;
    }
}
