package io.sluice.cli;

import io.sluice.pipeline.SluiceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command. Only this class calls {@link System#exit}. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Moves data from Kafka into analytics sinks, exactly once, from a YAML manifest.",
        subcommands = {RunCommand.class, ValidateCommand.class, PlanCommand.class, OffsetsCommand.class, DevCommand.class, GenerateCommand.class, QuickstartCommand.class, BenchCommand.class,
                SchemaCommand.class, QueryCommand.class, TableCommand.class,
                HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** Runs the CLI with its output and diagnostics going to {@code out} and {@code err} (null: stdout, stderr). */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        Usage.install(cli);
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof SluiceException se) {
                cmd.getErr().println("sluice: " + se.getMessage());
                return ExitCodes.of(se);
            }
            cmd.getErr().println("sluice: unexpected failure: " + ex);
            ex.printStackTrace(cmd.getErr());
            return ExitCodes.FAILURE;
        });
        return cli.execute(args);
    }
}
