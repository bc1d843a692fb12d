package io.sluice.sink;

import io.sluice.pipeline.CheckFailedException;
import io.sluice.pipeline.Stage;

/**
 * The writer no longer owns what it was about to commit: another writer committed to the same table (or holds it)
 * since this one read its positions. Nothing of the batch was committed; the run stops with exit 3.
 */
public class FencedException extends CheckFailedException {
    public FencedException(String message) {
        super(Stage.COMMIT, message);
    }
}
