package io.sluice.pipeline;

import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Commits batches on one background thread, so the run loop reads and decodes the next batch while the
 * sink writes the previous one. At most one commit is in flight and commits happen in order, so the
 * sink sees exactly the sequence a synchronous loop would give it; the sink is only ever used by one
 * thread at a time. A failed commit is rethrown to the run loop at its next call, before anything else
 * is committed.
 *
 * <p>A commit is never cut short (the sink's transaction decides what is durable), so waiting for one has no
 * end; instead every {@code warnEvery} of waiting is reported, naming the sink and how long it has taken.
 *
 * @param <T> what the run loop wants back when a commit completes
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
    private Future<?> inFlight;
    private T inFlightTag;

    Committer(Sink sink, String sinkName, Duration warnEvery, Consumer<String> warnings) {
        this.sink = sink;
        this.sinkName = sinkName;
        this.warnEvery = warnEvery;
        this.warnings = warnings;
    }

    /**
     * Waits for the commit in flight, if any, and returns its tag, or null when none was in flight.
     * Rethrows the commit's failure.
     */
    T await() {
        if (inFlight == null) {
            return null;
        }
        Future<?> f = inFlight;
        T tag = inFlightTag;
        inFlight = null;
        inFlightTag = null;
        try {
            waitFor(f);
            return tag;
        } catch (ExecutionException e) {
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
    }

    private void waitFor(Future<?> f) throws ExecutionException, InterruptedException {
        long started = System.nanoTime();
        while (true) {
            try {
                f.get(warnEvery.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                warnings.accept(String.format("still waiting for the %s sink to commit a batch, for %.0f s now; it is not"
                        + " cut short, since its transaction decides what is durable", sinkName, (System.nanoTime() - started) / 1e9));
            }
        }
    }

    /** Like {@link #await}, but only when the commit in flight has already finished; null otherwise. */
    T poll() {
        return inFlight != null && inFlight.isDone() ? await() : null;
    }

    /** Starts committing {@code batch}; the caller must have {@link #await}ed the previous one. */
    void submit(Batch batch, T tag) {
        if (inFlight != null) {
            throw new IllegalStateException("a commit is still in flight");
        }
        inFlightTag = tag;
        inFlight = thread.submit(() -> sink.commit(batch));
    }

    /** Lets a commit in flight finish (its outcome is the sink's business), then stops the thread. */
    @Override
    public void close() {
        if (inFlight != null) {
            try {
                waitFor(inFlight);
            } catch (ExecutionException e) {
                // the run is already failing; the sink rolled this batch back
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight = null;
        }
        thread.shutdown();
    }
}
