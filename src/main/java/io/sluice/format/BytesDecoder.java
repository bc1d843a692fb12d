package io.sluice.format;

import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.Row;

/** The whole value, unchanged, as one BLOB column {@code value}. */
final class BytesDecoder implements Decoder {
    @Override
    public void decode(byte[] value, Row row) {
        row.put("value", value, Scalar.BLOB);
    }
}
