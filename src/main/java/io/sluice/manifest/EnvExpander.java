package io.sluice.manifest;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in manifest scalars from the environment.
 * {@code $${} stands for a literal {@code ${}.
 */
final class EnvExpander {
    private final Map<String, String> env;

    EnvExpander(Map<String, String> env) {
        this.env = env;
    }

    /** Returns the expanded text; reports each unset variable without a default through {@code onMissing}. */
    String expand(String text, Consumer<String> onMissing) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    out.append(text, i, text.length());
                    break;
                }
                String expr = text.substring(i + 2, close);
                int sep = expr.indexOf(":-");
                String name = sep >= 0 ? expr.substring(0, sep) : expr;
                String value = env.get(name);
                if (value == null || (sep >= 0 && value.isEmpty())) {
                    if (sep >= 0) {
                        value = expr.substring(sep + 2);
                    } else {
                        onMissing.accept(name);
                        value = "";
                    }
                }
                out.append(value);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
