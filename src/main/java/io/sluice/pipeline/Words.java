package io.sluice.pipeline;

/** Counts in messages: "1 partition", "2 partitions", "1 batch", "3 batches". */
public final class Words {
    private Words() {}

    /** {@code n} and the noun, plural by adding "s" (or "es" after s, x, ch, sh). */
    public static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : plural(singular));
    }

    static String plural(String singular) {
        if (singular.endsWith("s") || singular.endsWith("x") || singular.endsWith("ch") || singular.endsWith("sh")) {
            return singular + "es";
        }
        return singular + "s";
    }
}
