package io.sluice.dev;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where Sluice is installed: the checkout whose {@code target/} holds the jar, its libraries and the broker's
 * libraries. Found from the location of Sluice's own classes, so it works from the jar and from tests.
 */
public record Installation(Path home) {

    public static Installation current() {
        String override = System.getProperty("sluice.home");
        if (override != null && !override.isBlank()) {
            return new Installation(Path.of(override).toAbsolutePath().normalize());
        }
        try {
            Path code = Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/sluice.jar or target/classes: the home is the parent of target/
            return new Installation(code.toAbsolutePath().getParent().getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return new Installation(Path.of("").toAbsolutePath());
        }
    }

    public Path target() {
        return home.resolve("target");
    }

    public Path examples() {
        return home.resolve("examples");
    }

    /** The path of the Java launcher running this JVM, so child JVMs use the same Java. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Classpath of the broker JVM: the broker's libraries plus Sluice's runtime libraries (clients, logging). */
    String brokerClasspath() {
        Path brokerLib = target().resolve("broker-lib");
        Path lib = target().resolve("lib");
        if (!Files.isDirectory(brokerLib) || !Files.isDirectory(lib)) {
            throw new SluiceException(Stage.SETUP, "the local broker's libraries are missing (" + brokerLib
                    + "): build them with `mvn -DskipTests package` in " + home);
        }
        List<String> jars = new ArrayList<>();
        for (Path dir : List.of(brokerLib, lib)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".jar"))
                        .filter(f -> !f.getFileName().toString().startsWith("duckdb"))
                        .sorted().forEach(f -> jars.add(f.toString()));
            } catch (java.io.IOException e) {
                throw new SluiceException(Stage.SETUP, "cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return String.join(File.pathSeparator, jars);
    }

    /**
     * Classpath of the schema registry JVM: Sluice's own classes (the jar or {@code target/classes} this JVM runs) and
     * its runtime libraries (Jackson, Avro), without DuckDB.
     */
    public String registryClasspath() {
        Path lib = target().resolve("lib");
        Path own = ownCode();
        if (!Files.isDirectory(lib) || own == null) {
            throw new SluiceException(Stage.SETUP, "Sluice's jar or libraries are missing (" + target().resolve("sluice.jar") + ", " + lib
                    + "): build them with `mvn -DskipTests package` in " + home);
        }
        List<String> entries = new ArrayList<>();
        entries.add(own.toString());
        try (Stream<Path> files = Files.list(lib)) {
            files.filter(f -> f.toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().startsWith("duckdb"))
                    .sorted().forEach(f -> entries.add(f.toString()));
        } catch (java.io.IOException e) {
            throw new SluiceException(Stage.SETUP, "cannot list " + lib + ": " + e.getMessage(), e);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The jar or class directory Sluice runs from, else the installation's jar; null when neither exists. */
    private Path ownCode() {
        try {
            Path code = Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.exists(code)) {
                return code.toAbsolutePath();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the installation's jar
        }
        Path jar = target().resolve("sluice.jar");
        return Files.exists(jar) ? jar : null;
    }
}
