package io.sluice.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Parameters;

/** {@code sluice help [COMMAND...]}: the usage of a command at any depth, e.g. {@code help offsets reset}. */
@Command(name = "help", helpCommand = true, description = "Shows the usage of sluice or of a command, e.g. `help offsets reset`.")
final class HelpCommand implements Runnable, CommandLine.IHelpCommandInitializable2 {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, with its subcommands.")
    List<String> path = List.of();

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        StringBuilder seen = new StringBuilder(target.getCommandName());
        for (String name : path) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new CommandLine.ParameterException(self, "unknown command `" + seen + " " + name + "`"
                        + (target.getSubcommands().isEmpty() ? " (`" + seen + "` has no subcommands)"
                                : " (commands of `" + seen + "`: " + String.join(", ", target.getSubcommands().keySet()) + ")"));
            }
            target = sub;
            seen.append(' ').append(name);
        }
        target.usage(out, colors);
        out.flush();
    }
}
