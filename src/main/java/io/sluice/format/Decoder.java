package io.sluice.format;

import io.sluice.schema.Row;

/**
 * Turns one Kafka message value into row fields. A decoder holds no per-record state between calls and is
 * used by one thread. Tombstones (null values) never reach it.
 */
public interface Decoder {
    /**
     * Appends the value's fields to {@code row}. On bad input throws {@link DecodeException} saying what is wrong
     * with the payload; the caller adds topic, partition and offset, and discards the partial row.
     */
    void decode(byte[] value, Row row) throws DecodeException;
}
