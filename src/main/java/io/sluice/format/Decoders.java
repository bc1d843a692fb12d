package io.sluice.format;

import io.sluice.manifest.SourceOptions;

/** Chooses the decoder for a source's {@code message_format}. */
public final class Decoders {
    private Decoders() {}

    public static Decoder forOptions(SourceOptions options) {
        return switch (options.messageFormat()) {
            case JSON -> new JsonDecoder(options.nested(), options.separator());
        };
    }
}
