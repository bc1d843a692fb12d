package io.sluice.dev;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Realistic IoT sensor events (the manufacturing scenario of the Kafka-to-Delta seed): a machine, its
 * readings, where it stands, an event time, and optional fields that appear now and then (alerts, an
 * operator, maintenance data, tags). The same seed and start give the same events, byte for byte.
 * Not thread-safe: one instance per producing thread.
 */
public final class SensorEvents {
    private static final String[] TYPES = {"cnc_mill", "hydraulic_press", "injection_molder", "conveyor", "robot_arm"};
    private static final String[][] PLANTS = {
            {"PLANT-MUC", "48.1374", "11.5755"}, {"PLANT-DET", "42.3314", "-83.0458"},
            {"PLANT-SZX", "22.5431", "114.0579"}, {"PLANT-LYS", "45.7640", "4.8357"}};
    private static final String[] STATUS = {"RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "IDLE", "WARMUP"};
    private static final String[] ALERTS = {"TEMP_HIGH", "PRESSURE_DROP", "VIBRATION_SPIKE"};
    private static final String[] TAGS = {"calibrated", "night_shift", "retrofit", "eco_mode", "line_test"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Fixed properties of one machine. */
    private record Machine(String id, String type, int plant, String line, char zone, double baseTemp, double basePressure,
            int baseRpm, String firmware) {}

    private final SplittableRandom random;
    private final Machine[] machines;
    private final long startMicros;
    private final long stepMicros;
    private long sequence;
    private Machine current;
    private final StringBuilder sb = new StringBuilder(640);

    /**
     * @param seed     makes the events reproducible
     * @param machines how many machines send events
     * @param start    the event time of the first event
     * @param stepMicros event time between consecutive events
     */
    public SensorEvents(long seed, int machines, Instant start, long stepMicros) {
        this.random = new SplittableRandom(seed);
        this.machines = new Machine[machines];
        for (int i = 0; i < machines; i++) {
            String type = TYPES[random.nextInt(TYPES.length)];
            this.machines[i] = new Machine(String.format("M-%04d", i + 1), type, random.nextInt(PLANTS.length),
                    "L" + (1 + random.nextInt(6)), (char) ('A' + random.nextInt(4)),
                    55 + random.nextDouble() * 30, 3 + random.nextDouble() * 5, 800 + random.nextInt(2400),
                    "4." + random.nextInt(4) + "." + random.nextInt(10));
        }
        this.startMicros = start.getEpochSecond() * 1_000_000 + start.getNano() / 1000;
        this.stepMicros = stepMicros;
    }

    /** Generates the next event as UTF-8 JSON. */
    public byte[] next() {
        long seq = sequence++;
        Machine m = machines[random.nextInt(machines.length)];
        current = m;
        String[] plant = PLANTS[m.plant];
        boolean alert = random.nextInt(100) < 4;
        double temp = m.baseTemp + random.nextDouble() * 4 - 2 + (alert ? 25 : 0);
        sb.setLength(0);
        sb.append("{\"event_id\":\"");
        uuid(sb);
        sb.append("\",\"machine_id\":\"").append(m.id)
                .append("\",\"machine_type\":\"").append(m.type)
                .append("\",\"event_time\":\"");
        long micros = startMicros + seq * stepMicros;
        TIME.formatTo(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L), sb);
        sb.append("\",\"sequence\":").append(seq)
                .append(",\"readings\":{\"temperature\":");
        fixed(sb, temp, 2);
        sb.append(",\"pressure\":");
        fixed(sb, m.basePressure + random.nextDouble() * 0.6 - 0.3, 3);
        sb.append(",\"vibration\":");
        fixed(sb, 0.01 + random.nextDouble() * 0.03, 4);
        sb.append(",\"humidity\":");
        fixed(sb, 35 + random.nextDouble() * 20, 1);
        sb.append(",\"rpm\":").append(m.baseRpm + random.nextInt(41) - 20)
                .append(",\"power_kw\":");
        fixed(sb, 5 + random.nextDouble() * 20, 2);
        sb.append(",\"voltage\":");
        fixed(sb, 228 + random.nextDouble() * 4, 1);
        sb.append("},\"location\":{\"plant\":\"").append(plant[0])
                .append("\",\"line\":\"").append(m.line)
                .append("\",\"zone\":\"").append(m.zone)
                .append("\",\"latitude\":").append(plant[1])
                .append(",\"longitude\":").append(plant[2])
                .append("},\"status\":\"").append(alert ? "ALERT" : STATUS[random.nextInt(STATUS.length)])
                .append("\",\"firmware_version\":\"").append(m.firmware)
                .append("\",\"quality_score\":");
        fixed(sb, 0.9 + random.nextDouble() * 0.1, 3);
        if (alert) {
            sb.append(",\"alert\":{\"code\":\"").append(ALERTS[random.nextInt(ALERTS.length)])
                    .append("\",\"severity\":\"").append(temp > m.baseTemp + 26 ? "CRITICAL" : "WARNING")
                    .append("\",\"threshold\":");
            fixed(sb, m.baseTemp + 20, 1);
            sb.append('}');
        }
        if (random.nextInt(100) < 15) {
            sb.append(",\"operator_id\":\"OP-").append(100 + random.nextInt(60)).append('"');
        }
        if (random.nextInt(100) < 3) {
            sb.append(",\"maintenance\":{\"last_service_hours\":").append(random.nextInt(5000))
                    .append(",\"technician\":\"T-").append(10 + random.nextInt(20)).append("\"}");
        }
        if (random.nextInt(100) < 10) {
            sb.append(",\"tags\":[\"").append(TAGS[random.nextInt(TAGS.length)]).append("\",\"")
                    .append(TAGS[random.nextInt(TAGS.length)]).append("\"]");
        }
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The machine id of the event {@link #next()} returned last, as the record key. */
    public byte[] key() {
        return current.id.getBytes(StandardCharsets.UTF_8);
    }

    private void uuid(StringBuilder out) {
        long hi = random.nextLong();
        long lo = random.nextLong();
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        String s = new java.util.UUID(hi, lo).toString();
        out.append(s);
    }

    private static void fixed(StringBuilder out, double v, int decimals) {
        long scale = decimals == 1 ? 10 : decimals == 2 ? 100 : decimals == 3 ? 1000 : 10000;
        long n = Math.round(v * scale);
        if (n < 0) {
            out.append('-');
            n = -n;
        }
        out.append(n / scale).append('.');
        String frac = Long.toString(n % scale);
        for (int i = frac.length(); i < decimals; i++) {
            out.append('0');
        }
        out.append(frac);
    }
}
