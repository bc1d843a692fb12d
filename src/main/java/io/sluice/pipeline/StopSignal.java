package io.sluice.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;

/** Asks a running pipeline to finish: it commits the batch in hand and returns. Safe to call from any thread. */
public final class StopSignal {
    private final AtomicBoolean stopped = new AtomicBoolean();

    public void stop() {
        stopped.set(true);
    }

    public boolean stopped() {
        return stopped.get();
    }
}
