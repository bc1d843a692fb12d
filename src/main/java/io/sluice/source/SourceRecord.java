package io.sluice.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record as its source delivered it, bytes unchanged: where it came from ({@code stream}, {@code partition},
 * {@code offset}: a Kafka topic, partition and offset today; a file and its byte offset, or a query and its cursor, later),
 * its timestamp in epoch milliseconds, key and value (either may be null) and headers in their order. Row stages get it
 * beside the row they fill, so a stage that rejects a record can keep it as it was (a dead-letter queue stores these
 * bytes); rows keep its position in their {@code _kafka_} columns. The arrays are the source's own: never modify them.
 */
public record SourceRecord(String stream, int partition, long offset, long timestamp, byte[] key, byte[] value,
        List<Header> headers) {
    /** A header: a name (Kafka allows one twice) and its value (may be null). */
    public record Header(String name, byte[] value) {}

    /** A Kafka record, its headers copied only when it has any. */
    public static SourceRecord of(ConsumerRecord<byte[], byte[]> r) {
        org.apache.kafka.common.header.Header[] hs = r.headers().toArray();
        List<Header> headers;
        if (hs.length == 0) {
            headers = List.of();
        } else {
            headers = new ArrayList<>(hs.length);
            for (org.apache.kafka.common.header.Header h : hs) {
                headers.add(new Header(h.key(), h.value()));
            }
        }
        return new SourceRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers);
    }

    /** {@code stream/partition@offset}, as messages name a record. */
    public String where() {
        return stream + "/" + partition + "@" + offset;
    }

    /** The key's and value's bytes together, which {@code batch_max_bytes} counts. */
    public long size() {
        return (value == null ? 0 : value.length) + (key == null ? 0 : key.length);
    }
}
