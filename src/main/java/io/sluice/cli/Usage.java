package io.sluice.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How every command prints its usage: {@code -h}/{@code --help} on each command and nested command, and help text
 * wrapped at spaces only. Picocli wraps with the JDK's line breaker, which also breaks after "." and ":", so
 * {@code .sluice} or {@code localhost:9092} could be cut in two; here the lists are laid out without wrapping and
 * then wrapped at spaces.
 */
final class Usage {
    static final int WIDTH = 80;

    private static final List<String> WRAPPED_SECTIONS = List.of(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST);

    private Usage() {}

    /** Adds {@code -h, --help} to every command below {@code cli} that lacks it, and the space-only wrapping to all. */
    static void install(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        Map<String, IHelpSectionRenderer> sections = cli.getHelpSectionMap();
        for (String key : WRAPPED_SECTIONS) {
            IHelpSectionRenderer original = sections.get(key);
            if (original != null) {
                int hanging = key.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION) ? 0 : 2;
                sections.put(key, help -> wrapped(help, original, hanging));
            }
        }
        IHelpSectionRenderer synopsis = sections.get(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS);
        if (synopsis != null) {
            sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS, help -> wrappedSynopsis(help, synopsis));
        }
        cli.setHelpSectionMap(sections);
        cli.getSubcommands().values().forEach(Usage::install);
    }

    private static String wrapped(Help help, IHelpSectionRenderer original, int hanging) {
        CommandLine.Model.UsageMessageSpec usage = help.commandSpec().usageMessage();
        int width = usage.width();
        usage.width(10_000);
        try {
            return wrap(original.render(help), width, hanging);
        } finally {
            usage.width(width);
        }
    }

    /** The synopsis follows its heading ("Usage: "); wrapped lines line up after the command's name. */
    private static String wrappedSynopsis(Help help, IHelpSectionRenderer original) {
        CommandLine.Model.UsageMessageSpec usage = help.commandSpec().usageMessage();
        int width = usage.width();
        usage.width(10_000);
        String text;
        try {
            text = original.render(help);
        } finally {
            usage.width(width);
        }
        String heading = help.synopsisHeading();
        int headingLength = heading.length() - heading.lastIndexOf('\n') - 1;
        String indent = " ".repeat(Math.min(width / 2, headingLength + help.commandSpec().qualifiedName().length() + 1));
        String wrapped = wrap(" ".repeat(headingLength) + text.stripTrailing(), width, 0, indent);
        return wrapped.substring(headingLength) + "\n";
    }

    /**
     * Wraps each line longer than {@code width} at its last space that fits. A continuation line starts where the line's
     * text column starts (after the option names, or the line's own indent) plus {@code hanging}; picocli indents
     * wrapped list entries by two.
     */
    static String wrap(String text, int width, int hanging) {
        return wrap(text, width, hanging, null);
    }

    private static String wrap(String text, int width, int hanging, String fixedIndent) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(wrapLine(line, width, hanging, fixedIndent));
        }
        return out.toString();
    }

    private static String wrapLine(String line, int width, int hanging, String fixedIndent) {
        if (line.length() <= width) {
            return line;
        }
        String indent = fixedIndent != null ? fixedIndent
                : " ".repeat(Math.min(width / 2, (hanging == 0 ? 0 : textColumn(line)) + hanging));
        List<String> parts = new ArrayList<>();
        String rest = line;
        boolean first = true;
        while (rest.length() > width) {
            int start = first && fixedIndent == null ? textColumn(rest) : indent.length();
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= start) {
                cut = rest.indexOf(' ', width);
                if (cut < 0) {
                    break;
                }
            }
            parts.add(rest.substring(0, cut).stripTrailing());
            rest = indent + rest.substring(cut + 1).stripLeading();
            first = false;
        }
        parts.add(rest);
        return String.join("\n", parts);
    }

    /** Where a line's text starts: after its indent, and after a first column that two spaces close (option names). */
    private static int textColumn(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int gap = line.indexOf("  ", i);
        if (gap < 0) {
            return i;
        }
        int j = gap;
        while (j < line.length() && line.charAt(j) == ' ') {
            j++;
        }
        return j < line.length() ? j : i;
    }
}
