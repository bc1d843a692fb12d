package io.sluice.pipeline;

import io.sluice.sink.Batch;
import io.sluice.sink.Sink;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Commits batches on one background thread, so the run loop reads and decodes the next batch while the
 * sink writes the previous one. At most one commit is in flight and commits happen in order, so the
 * sink sees exactly the sequence a synchronous loop would give it; the sink is only ever used by one
 * thread at a time. A failed commit is rethrown to the run loop at its next call, before anything else
 * is committed.
 *
 * @param <T> what the run loop wants back when a commit completes
 */
final class Committer<T> implements AutoCloseable {
    private final Sink sink;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-commit");
        t.setDaemon(true);
        return t;
    });
    private Future<?> inFlight;
    private T inFlightTag;

    Committer(Sink sink) {
        this.sink = sink;
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
            f.get();
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
                inFlight.get();
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
