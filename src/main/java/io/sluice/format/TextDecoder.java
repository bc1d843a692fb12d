package io.sluice.format;

import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.Row;

/** The whole value as one VARCHAR column {@code value}; it must be valid UTF-8. */
final class TextDecoder implements Decoder {
    @Override
    public void decode(byte[] value, Row row) throws DecodeException {
        row.put("value", Utf8.decode(value, "value (message_format string)", "message_format"), Scalar.VARCHAR);
    }
}
