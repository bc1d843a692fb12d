package io.sluice.dev.registry;

import java.util.Locale;
import java.util.Optional;

/** A subject's (or the registry's) compatibility level: which earlier versions a new schema is checked against, and how. */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The new schema must read data written with the earlier one. */
    final boolean backward;
    /** The earlier schema must read data written with the new one. */
    final boolean forward;
    /** Against every earlier (not deleted) version, not only the latest. */
    final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
