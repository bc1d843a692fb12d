package io.sluice.pipeline;

import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Hands batches to the sink on one background thread, so the run loop reads and decodes the next batch while the
 * sink writes the previous one, and tells the run loop which batches have become durable. At most one sink call is
 * in flight and calls happen in order, so the sink sees exactly the sequence a synchronous loop would give it and is
 * only ever used by one thread at a time. A failed call is rethrown to the run loop at its next call, before anything
 * else is handed over.
 *
 * <p>A sink call is never cut short (the sink decides what is durable), so waiting for one has no end; instead every
 * {@code warnEvery} of waiting is reported, naming the sink and how long it has taken.
 *
 * @param <T> what the run loop remembers of a batch until it is durable
 */
final class Committer<T> implements AutoCloseable {
    static final Duration WARN_EVERY = Duration.ofSeconds(30);

    private final Sink sink;
    private final String sinkName;
    private final Duration warnEvery;
    private final Consumer<String> warnings;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-commit");
        t.setDaemon(true);
        return t;
    });
    /** Batches handed over and not yet durable, oldest first. */
    private final ArrayDeque<Pending<T>> pending = new ArrayDeque<>();
    private Future<Long> inFlight;
    private long durableThrough = -1;
    /** A sink call threw: the sink may only be closed now. */
    private boolean sinkFailed;

    private record Pending<T>(long sequence, T tag) {}

    Committer(Sink sink, String sinkName, Duration warnEvery, Consumer<String> warnings) {
        this.sink = sink;
        this.sinkName = sinkName;
        this.warnEvery = warnEvery;
        this.warnings = warnings;
    }

    /**
     * Waits for the sink call in flight, if any, and returns the tags of the batches that became durable, oldest
     * first. Rethrows the call's failure.
     */
    List<T> await() {
        if (inFlight == null) {
            return List.of();
        }
        Future<Long> f = inFlight;
        inFlight = null;
        try {
            durableThrough = Math.max(durableThrough, waitFor(f));
        } catch (ExecutionException e) {
            sinkFailed = true;
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new SluiceException(Stage.COMMIT, "commit failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.COMMIT, "interrupted while waiting for a commit", e);
        }
        List<T> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peekFirst().sequence() <= durableThrough) {
            out.add(pending.pollFirst().tag());
        }
        return out;
    }

    private long waitFor(Future<Long> f) throws ExecutionException, InterruptedException {
        long started = System.nanoTime();
        while (true) {
            try {
                return f.get(warnEvery.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                warnings.accept(String.format("still waiting for the %s sink to commit, for %.0f s now; it is not"
                        + " cut short, since the sink decides what is durable", sinkName, (System.nanoTime() - started) / 1e9));
            }
        }
    }

    /** Like {@link #await}, but only when the call in flight has already finished; empty otherwise. */
    List<T> poll() {
        return inFlight != null && inFlight.isDone() ? await() : List.of();
    }

    /** Whether batches were handed over that are not durable yet. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Starts handing {@code batch} to the sink; the caller must have {@link #await}ed the previous call. */
    void submit(Batch batch, T tag) {
        start(() -> sink.write(batch));
        pending.addLast(new Pending<>(batch.sequence(), tag));
    }

    /** Starts making every batch handed over durable; the caller must have {@link #await}ed the previous call. */
    void flush() {
        start(sink::flush);
    }

    /** Whether the sink wants what it holds flushed now; asked with no call in flight. */
    boolean flushDue() {
        return inFlight == null && !pending.isEmpty() && sink.flushDue();
    }

    private void start(Callable<Long> call) {
        if (inFlight != null) {
            throw new IllegalStateException("a commit is still in flight");
        }
        inFlight = thread.submit(call);
    }

    /**
     * After the run failed outside the sink (a record that cannot be decoded, a forbidden schema change), makes the
     * batches handed over before the failure durable, so the run stops exactly at the failing batch, as it would if
     * the sink committed every batch. Returns their tags; a sink that fails now adds its failure to {@code cause}.
     */
    List<T> flushAfter(RuntimeException cause) {
        if (sinkFailed) {
            return List.of();
        }
        try {
            List<T> out = new ArrayList<>(await());
            if (!sinkFailed && hasPending()) {
                flush();
                out.addAll(await());
            }
            return out;
        } catch (RuntimeException e) {
            if (e != cause) {
                cause.addSuppressed(e);
            }
            return List.of();
        }
    }

    /** Lets a call in flight finish (its outcome is the sink's business), then stops the thread. */
    @Override
    public void close() {
        if (inFlight != null) {
            try {
                waitFor(inFlight);
            } catch (ExecutionException e) {
                // the run is already failing; the sink keeps what was durable before
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight = null;
        }
        thread.shutdown();
    }
}
