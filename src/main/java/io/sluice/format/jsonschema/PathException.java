package io.sluice.format.jsonschema;

import java.util.ArrayDeque;

/**
 * A payload value that does not fit its declared column. Readers throw it with the problem only; each enclosing
 * object and array adds its step on the way out, so the happy path never builds a path.
 */
final class PathException extends Exception {
    private final ArrayDeque<String> steps = new ArrayDeque<>();

    PathException(String problem) {
        super(problem, null, false, false);
    }

    PathException property(String name) {
        steps.addFirst(simple(name) ? "." + name : "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']");
        return this;
    }

    PathException index(int i) {
        steps.addFirst("[" + i + "]");
        return this;
    }

    /** {@code $.a.b[2]: problem}. */
    String describe() {
        return "$" + String.join("", steps) + ": " + getMessage();
    }

    private static boolean simple(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || c == '$' || c == '-' || Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }
}
