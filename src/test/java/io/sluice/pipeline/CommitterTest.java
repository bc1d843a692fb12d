package io.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitterTest {
    @Test
    void aSlowCommitIsWaitedForWithAWarningPerIntervalNamingTheSink() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch warned = new CountDownLatch(2);
        List<String> warnings = new CopyOnWriteArrayList<>();
        // a proxy, so the test does not break when the Sink interface grows
        Sink slow = (Sink) Proxy.newProxyInstance(Sink.class.getClassLoader(), new Class<?>[] {Sink.class}, (proxy, m, args) -> {
            if (m.getName().equals("write")) {
                release.await(30, TimeUnit.SECONDS);
                return ((Batch) args[0]).sequence();
            }
            return m.getName().equals("flush") ? -1L : null;
        });
        try (Committer<String> committer = new Committer<>(slow, "duckdb", Duration.ofMillis(50), w -> {
            warnings.add(w);
            warned.countDown();
            if (warned.getCount() == 0) {
                release.countDown();
            }
        })) {
            committer.submit(new Batch(0, List.of(), List.of(), Map.of()), "batch 1");

            assertThat(committer.await()).containsExactly("batch 1");
        }
        assertThat(warnings).hasSizeGreaterThanOrEqualTo(2);
        assertThat(warnings.get(0)).matches("still waiting for the duckdb sink to commit, for \\d+ s now; it is not"
                + " cut short, since the sink decides what is durable");
    }
}
