package io.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.sink.SinkRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code manifests/invalid/<case>.yaml} must fail to load with exactly the problems (then the warnings) listed
 * in {@code <case>.expected}; every {@code manifests/warnings/<case>.yaml} must load, with exactly the warnings listed.
 * See {@code manifests/README.md} for the layout and the {@code .known-issue} marker.
 */
class ManifestGoldenTest {
    private static final SinkRegistry SINKS = SinkRegistry.load();

    static Stream<String> cases() throws IOException {
        return cases(dir());
    }

    static Stream<String> warningCases() throws IOException {
        return cases(dir("warnings"));
    }

    private static Stream<String> cases(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsExactlyTheExpectedProblems(String name) throws IOException {
        String actual = problems(name);
        String expected = Files.readString(dir().resolve(name + ".expected"));
        Path knownIssue = dir().resolve(name + ".known-issue");
        if (Files.exists(knownIssue)) {
            if (actual.equals(expected)) {
                fail(name + " now reports the expected problems: delete " + knownIssue.getFileName());
            }
            Assumptions.abort("known issue: " + Files.readString(knownIssue) + "\nnow reported:\n" + actual);
        }
        assertThat(actual).as("problems reported for %s.yaml", name).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warningCases")
    void loadsWithExactlyTheExpectedWarnings(String name) throws IOException {
        String file = name + ".yaml";
        Manifest m = new ManifestLoader(Map.of("KAFKA_CLUSTER_BOOTSTRAP_SERVERS", "localhost:9092"), SINKS)
                .parse(file, Files.readString(dir("warnings").resolve(file)));
        String actual = m.warnings().stream().map(p -> "warning: " + p + "\n").collect(Collectors.joining());
        assertThat(actual).as("warnings for %s", file).isEqualTo(Files.readString(dir("warnings").resolve(name + ".expected")));
    }

    @Test
    void everyCaseHasAnExpectedFileAndNothingIsLeftOver() throws IOException {
        List<String> cases = cases().toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        try (Stream<Path> files = Files.list(dir())) {
            List<String> orphans = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".yaml"))
                    .filter(n -> !cases.contains(n.substring(0, n.lastIndexOf('.'))))
                    .toList();
            assertThat(orphans).as("files in manifests/invalid without a <case>.yaml").isEmpty();
        }
        for (String c : cases) {
            assertThat(dir().resolve(c + ".expected")).as(c + ".expected").exists();
        }
    }

    @Test
    void theProblemsAreTheSameOnEveryLoad() throws IOException {
        assertThat(problems("many-problems")).isEqualTo(problems("many-problems"));
    }

    private static String problems(String name) throws IOException {
        String file = name + ".yaml";
        String text = Files.readString(dir().resolve(file));
        ManifestLoader loader = new ManifestLoader(Map.of(), SINKS);
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> loader.parse(file, text));
        assertThat(e).as(file + " should be rejected").isNotNull();
        assertThat(e.problems()).isNotEmpty();
        return e.problems().stream().map(p -> p + "\n").collect(Collectors.joining())
                + e.warnings().stream().map(p -> "warning: " + p + "\n").collect(Collectors.joining());
    }

    private static Path dir() {
        return dir("invalid");
    }

    private static Path dir(String folder) {
        URL url = ManifestGoldenTest.class.getResource("/manifests/" + folder);
        assertThat(url).as("test resource folder manifests/" + folder).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
