package io.sluice.cli;

import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;

/** Sluice's fixed exit codes. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int INVALID = 2;
    static final int STOPPED_BY_CHECK = 3;

    private ExitCodes() {}

    static int of(SluiceException e) {
        if (e instanceof CheckFailedException) {
            return STOPPED_BY_CHECK;
        }
        return e.stage() == Stage.MANIFEST ? INVALID : FAILURE;
    }
}
