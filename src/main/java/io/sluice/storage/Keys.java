package io.sluice.storage;

/** The rules every store applies to keys and listing prefixes, so a key means the same on disk and on S3. */
final class Keys {
    /** Names Sluice's own bookkeeping on disk (temporary files, the staging directory): never a key's segment. */
    static final String RESERVED = ".sluice-";

    private Keys() {}

    /** A relative, '/'-separated key with no empty, "." or ".." segments; a sink's mistake otherwise. */
    static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an object key must not be empty");
        }
        if (!key.equals(key.strip()) || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
            throw new IllegalArgumentException("object key \"" + key + "\" must be a relative path with '/' between names");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(RESERVED)) {
                throw new IllegalArgumentException("object key \"" + key + "\" has an empty, '.', '..' or reserved ("
                        + RESERVED + "...) name");
            }
        }
        return key;
    }

    /** A folder: "" for the root, else a key followed by '/'. */
    static String checkFolder(String folder) {
        if (folder == null || !folder.isEmpty() && (!folder.endsWith("/") || folder.length() < 2)) {
            throw new IllegalArgumentException("folder \"" + folder + "\" must be \"\" or a relative path ending in '/'");
        }
        if (!folder.isEmpty()) {
            check(folder.substring(0, folder.length() - 1));
        }
        return folder;
    }

    /** A listing prefix: "" or a string that does not start with '/' (a folder ends with '/'). */
    static String checkPrefix(String prefix) {
        if (prefix == null || prefix.startsWith("/") || prefix.contains("\\")) {
            throw new IllegalArgumentException("listing prefix \"" + prefix + "\" must be \"\" or a relative path");
        }
        return prefix;
    }
}
