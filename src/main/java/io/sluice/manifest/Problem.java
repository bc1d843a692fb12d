package io.sluice.manifest;

/**
 * One thing wrong with a manifest: where it is (file, line, YAML path) and what is wrong.
 *
 * @param file    the manifest file name as the user gave it
 * @param line    1-based line of the offending node, or 0 when unknown
 * @param path    dotted YAML path such as {@code sink.table} or {@code pipelines[1].source.topics}
 * @param message what is wrong and what is allowed
 */
public record Problem(String file, int line, String path, String message) {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
    }
}
