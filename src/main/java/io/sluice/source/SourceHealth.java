package io.sluice.source;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a {@link PartitionReader} for reading that makes no progress, since a consumer whose broker is gone
 * (or whose topic was deleted) just polls nothing forever. Each time the reader has spent {@code timeout} polling
 * without a record or a position moving, it asks the broker, waiting at most {@code probeTimeout} per call, for
 * its topics and then for the end offsets of the partitions being read. Something is wrong when the broker does
 * not answer, no longer has a partition, does not answer for its offsets, or holds records past the reader's
 * position. A bounded run then stops with an error naming the broker and the partitions; a continuous run warns
 * that it is unhealthy, once per check, keeps retrying, and logs when it is healthy again. An idle continuous run
 * whose broker answers with nothing new is healthy.
 */
public final class SourceHealth {
    private static final Logger LOG = LoggerFactory.getLogger(SourceHealth.class);
    private static final int NAMED_PARTITIONS = 3;

    private final PartitionReader reader;
    private final TopicMetadata probe;
    private final Duration timeout;
    private final Duration probeTimeout;
    private final String bootstrap;
    private final boolean bounded;
    private final Consumer<String> warnings;
    private long checkedAtIdle;
    private LocalTime unhealthySince;

    /**
     * @param probe        metadata calls bounded by {@code probeTimeout}
     * @param timeout      how long polling may make no progress before the broker is asked (source.connection.timeout_ms)
     * @param bounded      whether the run stops (bounded) or warns and retries (continuous)
     */
    public SourceHealth(PartitionReader reader, TopicMetadata probe, Duration timeout, Duration probeTimeout, String bootstrap,
            boolean bounded, Consumer<String> warnings) {
        this.reader = reader;
        this.probe = probe;
        this.timeout = timeout;
        this.probeTimeout = probeTimeout;
        this.bootstrap = bootstrap;
        this.bounded = bounded;
        this.warnings = warnings;
    }

    /** The probe bound: the connection timeout, but no more than 5 s, so a dead broker is noticed soon after the timeout. */
    public static Duration probeTimeout(Duration connectionTimeout) {
        return connectionTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? connectionTimeout : Duration.ofSeconds(5);
    }

    /** Cheap unless the reader has been idle for another {@code timeout}; call it after every read. */
    public void check() {
        long idle = reader.idleNanos();
        if (idle < checkedAtIdle) {
            checkedAtIdle = 0;
            healthy();
        }
        if (idle - checkedAtIdle < timeout.toNanos()) {
            return;
        }
        checkedAtIdle = idle;
        Map<TopicPartition, Long> at = reader.activeNextOffsets();
        if (at.isEmpty()) {
            return;
        }
        String waited = "no records arrived for " + seconds(idle);
        Map<String, List<TopicPartition>> topics = answer(probe::topics);
        if (topics == null) {
            unhealthy("cannot reach Kafka at " + bootstrap + ": " + waited + " while reading " + describe(at, List.copyOf(at.keySet()))
                    + ", and the broker did not answer within " + probeTimeout.toMillis() + " ms");
            return;
        }
        List<TopicPartition> gone = at.keySet().stream()
                .filter(p -> !topics.getOrDefault(p.topic(), List.of()).contains(p)).toList();
        if (!gone.isEmpty()) {
            unhealthy("Kafka at " + bootstrap + " no longer has " + describe(at, gone) + " (was the topic deleted?); " + waited);
            return;
        }
        Map<TopicPartition, Long> end = answer(() -> probe.endOffsets(at.keySet()));
        if (end == null) {
            unhealthy("Kafka at " + bootstrap + " answers, but not for the offsets of " + describe(at, List.copyOf(at.keySet()))
                    + " within " + probeTimeout.toMillis() + " ms (do the partitions have a leader?); " + waited);
            return;
        }
        List<TopicPartition> stalled = at.keySet().stream().filter(p -> end.getOrDefault(p, 0L) > at.get(p)).toList();
        if (stalled.isEmpty()) {
            healthy();
            return;
        }
        unhealthy("Kafka at " + bootstrap + " holds records past " + describe(at, stalled) + " but sent none for " + seconds(idle));
    }

    /** The probe's answer, or null when the broker did not give one in time. */
    private static <T> T answer(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SluiceException e) {
            if (e.stage() != Stage.CONNECT) {
                throw e;
            }
            return null;
        }
    }

    private void unhealthy(String problem) {
        String bound = "(source.connection.timeout_ms: " + timeout.toMillis() + ")";
        if (bounded) {
            throw new SluiceException(Stage.CONNECT, problem + " " + bound + ". Everything committed before is kept;"
                    + " the next run resumes from the stored offsets.");
        }
        if (unhealthySince == null) {
            unhealthySince = LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
        }
        warnings.accept("unhealthy since " + unhealthySince + ": " + problem + " " + bound + "; retrying, next check in "
                + timeout.toMillis() + " ms. What was committed is kept, and reading resumes where it stopped.");
    }

    private void healthy() {
        if (unhealthySince != null) {
            LOG.info("healthy again: reading from Kafka at {} (unhealthy since {})", bootstrap, unhealthySince);
            unhealthySince = null;
        }
    }

    private String describe(Map<TopicPartition, Long> at, List<TopicPartition> parts) {
        List<TopicPartition> sorted = parts.stream().sorted(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition)).toList();
        StringBuilder out = new StringBuilder();
        for (TopicPartition p : sorted.subList(0, Math.min(NAMED_PARTITIONS, sorted.size()))) {
            PartitionRange r = reader.range(p);
            out.append(out.isEmpty() ? "" : ", ").append(p).append(" at offset ").append(at.get(p))
                    .append(r.bounded() ? " (reading up to " + r.endNext() + ")" : "");
        }
        if (sorted.size() > NAMED_PARTITIONS) {
            out.append(" and ").append(sorted.size() - NAMED_PARTITIONS).append(" more partitions");
        }
        return out.toString();
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }
}
