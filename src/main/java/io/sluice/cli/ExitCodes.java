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

    /** A bounded run that signal {@code number} stopped before its end: 128 + number (130 for SIGINT, 143 for SIGTERM). */
    static int stoppedBy(int number) {
        return 128 + number;
    }

    static int of(SluiceException e) {
        if (e instanceof CheckFailedException) {
            return STOPPED_BY_CHECK;
        }
        return e.stage() == Stage.MANIFEST ? INVALID : FAILURE;
    }
}
