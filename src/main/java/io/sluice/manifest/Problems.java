package io.sluice.manifest;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found while loading a manifest, so all of them are reported at once. */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();

    public void add(Problem problem) {
        list.add(problem);
    }

    public int size() {
        return list.size();
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Problem> all() {
        return List.copyOf(list);
    }

    /** Throws {@link ManifestException} listing every problem, if there is any. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ManifestException(all());
        }
    }
}
