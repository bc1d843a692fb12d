package io.sluice.pipeline;

import io.sluice.source.ReadPlan;

/** Observes a run for progress display; called on the run thread, so implementations must be quick. */
public interface RunListener {
    /** The plan is fixed (and for continuous runs, again whenever new partitions join). */
    default void planned(ReadPlan plan) {}

    /** Something the user should know that does not stop the run. */
    default void warning(String message) {}

    /**
     * Called a few times per second while a batch is being read; {@code inFlight} counts the records read so
     * far, including those of the batch not yet committed. For progress display only.
     */
    default void reading(RunProgress inFlight) {}

    /** A batch was committed; {@code progress} holds the totals so far. */
    default void committed(RunProgress progress) {}

    RunListener NONE = new RunListener() {};
}
