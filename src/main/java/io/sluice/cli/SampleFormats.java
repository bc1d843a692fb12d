package io.sluice.cli;

import io.sluice.manifest.SourceOptions.MessageFormat;
import java.util.Arrays;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code --format} of the commands that produce sample events: json or a registry format. */
final class SampleFormats {
    private SampleFormats() {}

    static MessageFormat parse(CommandSpec spec, String word) {
        return Arrays.stream(MessageFormat.values())
                .filter(m -> m.word().equals(word) && (m == MessageFormat.JSON || m.typed())).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "--format must be json, avro, protobuf or json_schema (got "
                        + word + ")"));
    }
}
