package io.sluice.pipeline;

import io.sluice.source.ReadPlan;

/** Observes a run for progress display; called on the run thread, so implementations must be quick. */
public interface RunListener {
    /** The plan is fixed (and for continuous runs, again whenever new partitions join). */
    default void planned(ReadPlan plan) {}

    /** Something the user should know that does not stop the run. */
    default void warning(String message) {}

    /** A batch was committed; {@code progress} holds the totals so far. */
    default void committed(RunProgress progress) {}

    RunListener NONE = new RunListener() {};
}
