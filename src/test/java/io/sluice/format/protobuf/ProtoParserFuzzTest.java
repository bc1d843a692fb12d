package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.fail;

import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whatever the text, parsing ends with a descriptor or a {@link ProtoSchemaException}, and never hangs. */
class ProtoParserFuzzTest {
    private static final String ALPHABET = "{}[]()<>;=,.-+:/*\"'\\\n\t 0123456789xeEabcXYZ_ \u00e9\u4e2d";
    private static final String[] SEEDS = {"orders.proto", "legacy.proto", "scopes.proto"};

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutatedAndRandomInputsOnlyFailWithProtoSchemaException() {
        Random random = new Random(20_240_601L);
        for (int i = 0; i < 2000; i++) {
            String base = Protoc.text(SEEDS[i % SEEDS.length]);
            check(mutate(base, random, 1 + random.nextInt(4)));
        }
        for (int i = 0; i < 1000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(120);
            for (int j = 0; j < length; j++) {
                s.append(random.nextInt(5) == 0 ? (char) random.nextInt(0x3000)
                        : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            check(s.toString());
        }
    }

    private static String mutate(String text, Random random, int edits) {
        StringBuilder s = new StringBuilder(text);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = random.nextInt(s.length());
            int len = Math.min(1 + random.nextInt(12), s.length() - at);
            switch (random.nextInt(3)) {
                case 0 -> s.delete(at, at + len);
                case 1 -> s.insert(at, s.substring(at, at + len));
                default -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return s.toString();
    }

    private static void check(String text) {
        try {
            ProtoSchemas.fromProtoText("fuzz.proto", text, name -> name.equals("fuzz.proto") ? Optional.empty()
                    : Protoc.resource(name));
        } catch (ProtoSchemaException expected) {
            if (!expected.getMessage().matches("(?s)[^ ]+\\.proto(:\\d+:\\d+)?: .+")) {
                fail("error without file position: " + expected.getMessage());
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("unexpected " + e + " for input:\n" + text, e);
        }
    }
}
