package io.sluice.manifest;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Extra Kafka client properties from the manifest; values of sensitive keys print masked. */
public record ClientProperties(Map<String, String> values) {
    public ClientProperties {
        values = Map.copyOf(values);
    }

    public static boolean sensitive(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
                || k.endsWith(".key");
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, sensitive(k) ? "****" : v));
        return shown.toString();
    }
}
