package io.sluice.dev.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The registry's state and the rules of the Confluent API over it: global ids (increasing, never reused), subjects with
 * their versions, soft and hard deletes, compatibility levels. Every change is written through {@link StoreFile} before
 * the call returns; a change that cannot be written is undone and fails with error 50001. Thread-safe (one lock).
 */
final class SchemaStore {
    /** A version of a subject: which schema it is and whether it was soft-deleted. */
    record Version(int id, boolean deleted) {}

    /** A subject's version with its schema, as the version endpoints return it. */
    record SubjectVersion(String subject, int version, StoredSchema schema, boolean deleted) {}

    /** Everything that is persisted; {@link StoreFile} reads and writes it. */
    static final class State {
        int nextId = 1;
        CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
        final TreeMap<Integer, StoredSchema> schemas = new TreeMap<>();
        final TreeMap<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
        final TreeMap<String, CompatibilityLevel> subjectLevels = new TreeMap<>();
    }

    private final StoreFile file;
    private State state;
    private final Map<String, Integer> idByIdentity = new java.util.HashMap<>();

    SchemaStore(StoreFile file) {
        this.file = file;
        this.state = file.read();
        reindex();
    }

    private void reindex() {
        idByIdentity.clear();
        state.schemas.values().forEach(s -> idByIdentity.put(s.identity(), s.id()));
    }

    private void commit() {
        try {
            file.write(state);
        } catch (RuntimeException e) {
            state = file.read();
            reindex();
            throw RegistryException.storeError("Error while storing the change in " + file.path() + ": " + e.getMessage());
        }
    }

    // ---- reads

    synchronized List<String> subjects(boolean deleted) {
        List<String> out = new ArrayList<>();
        state.subjects.forEach((name, versions) -> {
            if (deleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
                out.add(name);
            }
        });
        return out;
    }

    synchronized List<Integer> versions(String subject, boolean deleted) {
        List<Integer> out = new ArrayList<>();
        versionsOf(subject, deleted).forEach((n, v) -> {
            if (deleted || !v.deleted()) {
                out.add(n);
            }
        });
        return out;
    }

    synchronized SubjectVersion version(String subject, String version, boolean deleted) {
        TreeMap<Integer, Version> versions = versionsOf(subject, deleted);
        int n = pick(versions, version, deleted);
        Version v = versions.get(n);
        return new SubjectVersion(subject, n, state.schemas.get(v.id()), v.deleted());
    }

    synchronized StoredSchema schema(int id) {
        StoredSchema s = state.schemas.get(id);
        if (s == null) {
            throw RegistryException.schemaNotFound("Schema " + id + " not found");
        }
        return s;
    }

    /** The subject versions that use schema {@code id}. */
    synchronized List<SubjectVersion> usages(int id, boolean deleted) {
        StoredSchema s = schema(id);
        List<SubjectVersion> out = new ArrayList<>();
        state.subjects.forEach((name, versions) -> versions.forEach((n, v) -> {
            if (v.id() == id && (deleted || !v.deleted())) {
                out.add(new SubjectVersion(name, n, s, v.deleted()));
            }
        }));
        return out;
    }

    /** Ids of the schemas (used by a live version) that reference {@code subject}'s {@code version}. */
    synchronized List<Integer> referencedBy(String subject, String version) {
        TreeMap<Integer, Version> versions = versionsOf(subject, false);
        int n = pick(versions, version, false);
        return new ArrayList<>(referrers(subject, n, v -> !v.deleted()));
    }

    // ---- registration, lookup, compatibility

    synchronized int register(String subject, SchemaType type, String text, List<Reference> references) {
        List<Reference> refs = concrete(references);
        ParsedSchema parsed = ParsedSchema.parse(type, text, refs, this::resolve);
        String identity = StoredSchema.identity(type, parsed.canonical(), refs);
        Integer existing = idByIdentity.get(identity);
        TreeMap<Integer, Version> versions = state.subjects.get(subject);
        if (existing != null && versions != null
                && versions.values().stream().anyMatch(v -> !v.deleted() && v.id() == existing)) {
            return existing;
        }
        CompatibilityLevel level = levelOf(subject);
        List<String> problems = Compatibility.check(parsed, earlier(subject, level), level);
        if (!problems.isEmpty()) {
            throw new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\" (compatibility " + level + "), details: " + String.join("; ", problems));
        }
        int id = existing != null ? existing : state.nextId++;
        if (existing == null) {
            state.schemas.put(id, new StoredSchema(id, type, parsed.canonical(), refs));
        }
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        state.subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, new Version(id, false));
        commit();
        idByIdentity.put(identity, id);
        return id;
    }

    /** The version of {@code subject} holding this schema (the latest, if several do). */
    synchronized SubjectVersion lookup(String subject, SchemaType type, String text, List<Reference> references, boolean deleted) {
        TreeMap<Integer, Version> versions = versionsOf(subject, deleted);
        List<Reference> refs = concrete(references);
        ParsedSchema parsed = ParsedSchema.parse(type, text, refs, this::resolve);
        Integer id = idByIdentity.get(StoredSchema.identity(type, parsed.canonical(), refs));
        if (id != null) {
            for (Map.Entry<Integer, Version> e : versions.descendingMap().entrySet()) {
                if (e.getValue().id() == id && (deleted || !e.getValue().deleted())) {
                    return new SubjectVersion(subject, e.getKey(), state.schemas.get(id), e.getValue().deleted());
                }
            }
        }
        throw RegistryException.schemaNotFound("Schema not found");
    }

    /**
     * The incompatibilities of a schema with one version of {@code subject} ({@code version} given), or with the versions
     * its level checks against ({@code version} null; no versions at all is compatible). Empty when compatible.
     */
    synchronized List<String> incompatibilities(String subject, String version, SchemaType type, String text, List<Reference> references) {
        CompatibilityLevel level = levelOf(subject);
        List<Compatibility.Earlier> against;
        if (version == null) {
            against = earlier(subject, level);
        } else {
            TreeMap<Integer, Version> versions = versionsOf(subject, false);
            int n = pick(versions, version, false);
            against = List.of(new Compatibility.Earlier(n, ParsedSchema.of(state.schemas.get(versions.get(n).id()), this::resolve)));
        }
        List<Reference> refs = concrete(references);
        ParsedSchema parsed = ParsedSchema.parse(type, text, refs, this::resolve);
        return Compatibility.check(parsed, against, level);
    }

    private List<Compatibility.Earlier> earlier(String subject, CompatibilityLevel level) {
        List<Compatibility.Earlier> out = new ArrayList<>();
        if (level == CompatibilityLevel.NONE) {
            return out;
        }
        TreeMap<Integer, Version> versions = state.subjects.getOrDefault(subject, new TreeMap<>());
        for (Map.Entry<Integer, Version> e : versions.entrySet()) {
            if (!e.getValue().deleted()) {
                out.add(new Compatibility.Earlier(e.getKey(), ParsedSchema.of(state.schemas.get(e.getValue().id()), this::resolve)));
            }
        }
        return level.transitive || out.isEmpty() ? out : out.subList(out.size() - 1, out.size());
    }

    /** References with "latest" (-1) pinned to the subject's latest live version, each checked to exist. */
    private List<Reference> concrete(List<Reference> references) {
        List<Reference> out = new ArrayList<>();
        for (Reference r : references) {
            if (r.name() == null || r.name().isBlank() || r.subject() == null || r.subject().isBlank()) {
                throw RegistryException.invalidSchema("Invalid schema: a reference needs a name, a subject and a version (got " + r + ")");
            }
            Reference c = r;
            if (r.version() == -1) {
                TreeMap<Integer, Version> versions = state.subjects.get(r.subject());
                Optional<Integer> latest = versions == null ? Optional.empty()
                        : versions.descendingMap().entrySet().stream().filter(e -> !e.getValue().deleted()).map(Map.Entry::getKey).findFirst();
                if (latest.isEmpty()) {
                    throw unknownReference(r);
                }
                c = new Reference(r.name(), r.subject(), latest.get());
            }
            resolve(c);
            out.add(c);
        }
        return out;
    }

    /** Soft-deleted versions still resolve, as their ids do. */
    private StoredSchema resolve(Reference r) {
        TreeMap<Integer, Version> versions = state.subjects.get(r.subject());
        Version v = versions == null ? null : versions.get(r.version());
        if (v == null) {
            throw unknownReference(r);
        }
        return state.schemas.get(v.id());
    }

    private static RegistryException unknownReference(Reference r) {
        return RegistryException.invalidSchema("Invalid schema: reference '" + r.name() + "' points to subject '" + r.subject()
                + "' version " + (r.version() == -1 ? "latest" : Integer.toString(r.version())) + ", which is not registered");
    }

    // ---- deletion

    synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        TreeMap<Integer, Version> versions = state.subjects.get(subject);
        if (versions == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        List<Integer> live = versions.entrySet().stream().filter(e -> !e.getValue().deleted()).map(Map.Entry::getKey).toList();
        if (!permanent) {
            if (live.isEmpty()) {
                throw new RegistryException(404, 40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
            }
            for (int n : live) {
                checkNotReferenced(subject, n, v -> !v.deleted());
            }
            live.forEach(n -> versions.put(n, new Version(versions.get(n).id(), true)));
            state.subjectLevels.remove(subject);
            commit();
            return live;
        }
        if (!live.isEmpty()) {
            throw new RegistryException(404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
        }
        for (int n : versions.keySet()) {
            checkNotReferenced(subject, n, v -> true);
        }
        List<Integer> all = new ArrayList<>(versions.keySet());
        state.subjects.remove(subject);
        state.subjectLevels.remove(subject);
        versions.values().forEach(v -> forgetIfUnused(v.id()));
        commit();
        return all;
    }

    synchronized int deleteVersion(String subject, String version, boolean permanent) {
        TreeMap<Integer, Version> versions = state.subjects.get(subject);
        if (versions == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        int n = parseVersion(version);
        if (n == -1) {
            n = pick(versions, version, permanent);
        } else if (!versions.containsKey(n)) {
            throw RegistryException.versionNotFound(n);
        }
        Version v = versions.get(n);
        if (!permanent) {
            if (v.deleted()) {
                throw new RegistryException(404, 40406, "Subject '" + subject + "' Version " + n
                        + " was soft deleted. Set permanent=true to delete permanently");
            }
            checkNotReferenced(subject, n, x -> !x.deleted());
            versions.put(n, new Version(v.id(), true));
        } else {
            if (!v.deleted()) {
                throw new RegistryException(404, 40407, "Subject '" + subject + "' Version " + n
                        + " was not deleted first before being permanently deleted");
            }
            checkNotReferenced(subject, n, x -> true);
            versions.remove(n);
            if (versions.isEmpty()) {
                state.subjects.remove(subject);
            }
            forgetIfUnused(v.id());
        }
        commit();
        return n;
    }

    private void checkNotReferenced(String subject, int version, Predicate<Version> counted) {
        TreeSet<Integer> ids = referrers(subject, version, counted);
        if (!ids.isEmpty()) {
            throw new RegistryException(422, 42206, "One or more references exist to the schema {subject='" + subject + "', version="
                    + version + "}: schema id(s) " + ids + " reference it; delete those first");
        }
    }

    private TreeSet<Integer> referrers(String subject, int version, Predicate<Version> counted) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (TreeMap<Integer, Version> versions : state.subjects.values()) {
            for (Version v : versions.values()) {
                if (counted.test(v) && state.schemas.get(v.id()).references().stream()
                        .anyMatch(r -> r.subject().equals(subject) && r.version() == version)) {
                    ids.add(v.id());
                }
            }
        }
        return ids;
    }

    /** A hard delete removes a schema once no version (live or soft-deleted) of any subject uses it; its id is not reused. */
    private void forgetIfUnused(int id) {
        boolean used = state.subjects.values().stream().flatMap(m -> m.values().stream()).anyMatch(v -> v.id() == id);
        if (!used) {
            StoredSchema s = state.schemas.remove(id);
            if (s != null) {
                idByIdentity.remove(s.identity());
            }
        }
    }

    // ---- compatibility levels

    synchronized CompatibilityLevel globalLevel() {
        return state.globalLevel;
    }

    synchronized void setGlobalLevel(CompatibilityLevel level) {
        state.globalLevel = level;
        commit();
    }

    synchronized CompatibilityLevel resetGlobalLevel() {
        CompatibilityLevel old = state.globalLevel;
        state.globalLevel = CompatibilityLevel.BACKWARD;
        commit();
        return old;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(state.subjectLevels.get(subject));
    }

    synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
        state.subjectLevels.put(subject, level);
        commit();
    }

    synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel old = state.subjectLevels.get(subject);
        if (old == null) {
            if (!state.subjects.containsKey(subject)) {
                throw RegistryException.subjectNotFound(subject);
            }
            throw subjectLevelNotConfigured(subject);
        }
        state.subjectLevels.remove(subject);
        commit();
        return old;
    }

    static RegistryException subjectLevelNotConfigured(String subject) {
        return new RegistryException(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    private CompatibilityLevel levelOf(String subject) {
        return state.subjectLevels.getOrDefault(subject, state.globalLevel);
    }

    // ---- helpers

    /** The subject's versions; 40401 when it has none (none live, unless {@code deleted}). */
    private TreeMap<Integer, Version> versionsOf(String subject, boolean deleted) {
        TreeMap<Integer, Version> versions = state.subjects.get(subject);
        if (versions == null || (!deleted && versions.values().stream().allMatch(Version::deleted))) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    /** The version a path segment names: a number, or "latest" / -1 for the newest (live, unless {@code deleted}). */
    private static int pick(TreeMap<Integer, Version> versions, String version, boolean deleted) {
        int n = parseVersion(version);
        if (n == -1) {
            return versions.descendingMap().entrySet().stream().filter(e -> deleted || !e.getValue().deleted())
                    .map(Map.Entry::getKey).findFirst().orElseThrow(() -> RegistryException.versionNotFound(version));
        }
        Version v = versions.get(n);
        if (v == null || (v.deleted() && !deleted)) {
            throw RegistryException.versionNotFound(n);
        }
        return n;
    }

    /** A version id: 1..2^31-1, or -1 for "latest"; anything else is error 42202. */
    static int parseVersion(String version) {
        if ("latest".equalsIgnoreCase(version)) {
            return -1;
        }
        try {
            int n = Integer.parseInt(version);
            if (n >= 1 || n == -1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // invalid below
        }
        throw RegistryException.invalidVersion(version);
    }
}
