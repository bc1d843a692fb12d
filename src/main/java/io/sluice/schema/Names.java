package io.sluice.schema;

import java.util.Locale;

/** Turns topic names into safe SQL identifiers. */
public final class Names {
    private Names() {}

    /** Lower-case letters, digits and underscores; never starting with a digit. {@code sensor-events.v1} gives {@code sensor_events_v1}. */
    public static String safeIdentifier(String raw) {
        StringBuilder b = new StringBuilder(raw.length());
        for (char ch : raw.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append(Character.isLetterOrDigit(ch) && ch < 128 ? ch : '_');
        }
        if (b.isEmpty() || Character.isDigit(b.charAt(0))) {
            b.insert(0, 't');
        }
        return b.toString();
    }
}
