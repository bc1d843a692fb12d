package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.pipeline.RunListener;
import io.sluice.pipeline.RunProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalsTest {
    private static RunProgress progress(String pipeline, long read) {
        return new RunProgress(pipeline, read, read, 0, 1, Map.of(), 0, read, read, 1, false);
    }

    @Test
    void theFirstSignalAsksToStopAndIsRemembered() {
        Signals s = Signals.none();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        s.received("TERM", 15, new PrintStream(err, true));

        assertThat(s.stop.stopped()).isTrue();
        assertThat(s.signal()).hasValue(15);
        assertThat(err.toString()).isEqualTo("sluice: SIGTERM: stopping after the current batch is committed (SIGTERM again to abort)"
                + System.lineSeparator());
        assertThat(RunCommand.exitCode(s, true)).isEqualTo(143);
        assertThat(RunCommand.exitCode(s, false)).as("a continuous run that stops ends as it should").isZero();
    }

    @Test
    void noSignalNoStop() {
        Signals s = Signals.none();

        assertThat(s.signal()).isEmpty();
        assertThat(RunCommand.exitCode(s, false)).isZero();
    }

    @Test
    void anAbortSaysWhatWasReadButNotCommitted() {
        Signals s = Signals.none();
        RunListener l = s.watching(RunListener.NONE);

        assertThat(s.aborted()).isEqualTo("Nothing was read yet.");
        l.committed(progress("events", 5000));
        l.reading(progress("events", 7300));

        assertThat(s.aborted()).isEqualTo("Pipeline events: about 2300 records read since the last commit are not committed,"
                + " and the next run reads them again; the 5000 records committed before stay.");

        l.committed(progress("events", 7300));
        assertThat(s.aborted()).isEqualTo("Pipeline events: no records read since the last commit; the 7300 records committed before stay.");
    }
}
