package io.sluice.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem found while loading a manifest, so all of them are reported at once, and the warnings:
 * settings that load but do nothing, or do something the author probably did not mean.
 */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    public void add(Problem problem) {
        list.add(problem);
    }

    /** Records a warning; the same warning (place and message) is kept once. */
    public void warn(Problem warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
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

    public List<Problem> warnings() {
        return List.copyOf(warnings);
    }

    /** Throws {@link ManifestException} listing every problem (and the warnings), if there is any problem. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ManifestException(all(), warnings());
        }
    }
}
