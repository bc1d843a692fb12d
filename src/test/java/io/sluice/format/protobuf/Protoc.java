package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The real protoc (copied to target/protoc by the build) and the test .proto files, for cross-checks. */
final class Protoc {
    static final List<String> WELL_KNOWN = List.of("any", "api", "descriptor", "duration", "empty", "field_mask",
            "source_context", "struct", "timestamp", "type", "wrappers");

    private static final Path EXECUTABLE = Path.of("target", "protoc", "protoc-4.33.1-linux-x86_64.exe");

    private Protoc() {
    }

    /** Text of {@code src/test/resources/protobuf/<name>}, or of a well-known file bundled in protobuf-java. */
    static Optional<String> resource(String name) {
        String path = name.startsWith("google/protobuf/") ? "/" + name : "/protobuf/" + name;
        try (InputStream in = Protoc.class.getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return resource(name).orElseThrow(() -> new AssertionError("no test resource " + name));
    }

    static Function<String, Optional<String>> resources() {
        return Protoc::resource;
    }

    /** Skips the calling test unless protoc can run here. */
    static void assumeAvailable() {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "protoc cross-checks need linux-x86_64");
        assumeTrue(Files.isRegularFile(EXECUTABLE), "protoc not found at " + EXECUTABLE);
    }

    /**
     * Compiles {@code main} with protoc from a directory holding {@code files} plus the well-known files, and
     * returns every file protoc produced (imports included) without source info, by name.
     */
    static Map<String, FileDescriptorProto> compile(Path dir, Map<String, String> files, String main)
            throws IOException, InterruptedException {
        assumeAvailable();
        EXECUTABLE.toFile().setExecutable(true);
        for (Map.Entry<String, String> f : files.entrySet()) {
            write(dir.resolve(f.getKey()), f.getValue());
        }
        for (String wk : WELL_KNOWN) {
            String name = "google/protobuf/" + wk + ".proto";
            write(dir.resolve(name), text(name));
        }
        Path out = dir.resolve("out.pb");
        Process p = new ProcessBuilder(EXECUTABLE.toAbsolutePath().toString(), "-I", dir.toString(),
                "--descriptor_set_out=" + out, "--include_imports", dir.resolve(main).toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("protoc finished").isTrue();
        assertThat(p.exitValue()).as("protoc exit code; output:\n" + output).isZero();
        Map<String, FileDescriptorProto> byName = new LinkedHashMap<>();
        for (FileDescriptorProto f : FileDescriptorSet.parseFrom(Files.readAllBytes(out)).getFileList()) {
            byName.put(f.getName(), f.toBuilder().clearSourceCodeInfo().build());
        }
        return byName;
    }

    private static void write(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }
}
