package io.sluice.format;

import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.Row;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The whole value as one VARCHAR column {@code value}; it must be valid UTF-8. */
final class TextDecoder implements Decoder {
    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            row.put("value", s, Scalar.VARCHAR);
        } catch (CharacterCodingException e) {
            throw new DecodeException("value is not valid UTF-8 text (message_format string); use message_format bytes");
        }
    }
}
