package io.sluice.storage;

import java.nio.file.Path;

/**
 * A manifest's local paths as a shell would read them: a leading {@code ~} or {@code ~/} is the user's home directory
 * (the JVM's {@code user.home}), since a manifest is not run through a shell and {@code ~/lake} would otherwise become a
 * folder named {@code ~} in the working directory. Other forms ({@code ~user/...}) stay as they are written.
 */
public final class HomePaths {
    private HomePaths() {}

    public static Path of(String path) {
        if (path.equals("~")) {
            return Path.of(System.getProperty("user.home"));
        }
        if (path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), path.substring(2));
        }
        return Path.of(path);
    }
}
