package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and nested command answers -h, --help and `help COMMAND...` with its usage and exit 0. */
class HelpTest {
    record Outcome(int exit, String out, String err) {}

    static Outcome sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    /** The path of every command below {@code sluice}, e.g. [offsets, reset]. */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(new CommandLine(new Main()), new ArrayList<>(), all);
        return all.stream();
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> all) {
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            all.add(p);
            collect(sub, p, all);
        });
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandPrintsItsUsageForDashHAndDashDashHelpAndExitsZero(List<String> path) {
        for (String flag : List.of("-h", "--help")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            Outcome o = sluice(args.toArray(String[]::new));

            assertThat(o.exit()).as("sluice %s: %s", args, o.err()).isZero();
            assertThat(o.out()).startsWith("Usage: sluice " + String.join(" ", path));
            assertThat(o.err()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpNamesAnyCommandAtAnyDepth(List<String> path) {
        List<String> args = new ArrayList<>(List.of("help"));
        args.addAll(path);
        Outcome o = sluice(args.toArray(String[]::new));

        assertThat(o.exit()).isZero();
        assertThat(o.out()).startsWith("Usage: sluice " + String.join(" ", path) + " ");
    }

    @Test
    void helpOffsetsResetShowsTheResetCommandNotOffsets() {
        Outcome o = sluice("help", "offsets", "reset");

        assertThat(o.out()).startsWith("Usage: sluice offsets reset ").contains("--to=POSITION").contains("--yes");
    }

    @Test
    void helpForAnUnknownCommandNamesItAndTheKnownOnes() {
        Outcome o = sluice("help", "offsets", "rest");

        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("unknown command `sluice offsets rest` (commands of `sluice offsets`: show, reset)");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpTextWrapsAtSpacesOnlyWithinEightyColumns(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        String text = sluice(args.toArray(String[]::new)).out();
        String joined = text.replaceAll("\\s+", " ");

        for (String line : text.lines().toList()) {
            // a line may only pass 80 columns when it is one word too long to break
            if (line.length() > Usage.WIDTH) {
                assertThat(line.strip().substring(0, Usage.WIDTH - (line.length() - line.strip().length()))).doesNotContain(" ");
            }
        }
        // each description reads whole once the line breaks are spaces: picocli's own wrapping broke words after "."
        // and ":" (".\n sluice", "io.sluice.\n sample.SensorEvent")
        CommandLine cli = new CommandLine(new Main());
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        for (CommandLine.Model.OptionSpec o : cli.getCommandSpec().options()) {
            String description = String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
            assertThat(joined).as("`sluice %s --help`", String.join(" ", path)).contains(description.replaceAll("\\s+", " "));
        }
        assertThat(joined).contains(String.join(" ", cli.getCommandSpec().usageMessage().description()).replaceAll("\\s+", " "));
    }

    @Test
    void defaultsThatComeFromTheEnvironmentSaySo() {
        String generate = sluice("generate", "--help").out().replaceAll("\\s+", " ");
        String up = sluice("dev", "up", "--help").out().replaceAll("\\s+", " ");

        assertThat(generate).contains("Kafka to produce to (default: $KAFKA_BOOTSTRAP_SERVERS when set, else localhost:9092).");
        assertThat(up).contains("(default: $SLUICE_DEV_DIR when set, else .sluice)").contains("(default: $SLUICE_KAFKA_PORT when set, else 9092)");
        assertThat(sluice("dev", "up", "--help").out()).contains(" .sluice)");
    }
}
