package io.sluice.sink;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The sink providers on the class path, by {@code type:}. */
public final class SinkRegistry {
    private final Map<String, SinkProvider> providers = new TreeMap<>();

    public static SinkRegistry load() {
        SinkRegistry r = new SinkRegistry();
        for (SinkProvider p : ServiceLoader.load(SinkProvider.class)) {
            r.providers.put(p.type(), p);
        }
        return r;
    }

    public Optional<SinkProvider> provider(String type) {
        return Optional.ofNullable(providers.get(type));
    }

    public java.util.Set<String> types() {
        return providers.keySet();
    }
}
