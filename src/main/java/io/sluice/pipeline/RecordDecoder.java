package io.sluice.pipeline;

import io.sluice.format.DecodeException;
import io.sluice.format.Decoder;
import io.sluice.format.Decoders;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.manifest.SourceOptions;
import io.sluice.format.Utf8;
import io.sluice.schema.ColumnNameException;
import io.sluice.schema.ColumnNames;
import io.sluice.schema.Row;
import io.sluice.schema.DataType;
import io.sluice.schema.MapValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.sluice.source.SourceRecord;

/**
 * Turns a Kafka record into a row: the {@code _kafka_*} columns, the key (as text, or decoded by
 * {@code key_format}) and the value's fields, named by {@link ColumnNames}. Used by one thread.
 */
public final class RecordDecoder {
    /** The type of {@code _kafka_headers} ({@code source.options.include_headers: true}). */
    public static final DataType HEADERS = new DataType.MapOf(DataType.Scalar.VARCHAR, DataType.Scalar.BLOB);
    private final boolean headers;
    private final Decoder values;
    /** Null when keys stay text. */
    private final Decoder keys;
    private final String separator;
    private final Row keyRow = new Row();
    private final Map<String, String> keyColumns = new HashMap<>();
    private final ColumnNames names;

    private RecordDecoder(Decoder values, Decoder keys, String separator, boolean headers) {
        this.values = values;
        this.keys = keys;
        this.separator = separator;
        this.names = new ColumnNames(separator);
        this.headers = headers;
    }

    /** The decoders the options name; a local schema file that cannot be read fails here, at the DECODE stage. */
    public static RecordDecoder open(SourceOptions options) {
        Optional<SchemaRegistryClient> registry = options.schemas().registry().map(SchemaRegistryClient::new);
        try {
            return new RecordDecoder(Decoders.forOptions(options, registry), Decoders.forKeys(options, registry).orElse(null),
                    options.separator(), options.includeHeaders());
        } catch (IllegalArgumentException e) {
            throw new SluiceException(Stage.DECODE, e.getMessage(), e);
        }
    }

    /**
     * Fills {@code row} (cleared first) from the record. A tombstone keeps only the Kafka columns and the key.
     *
     * @throws DecodeException with what is wrong with the key or value (the caller adds where it came from)
     * @throws io.sluice.format.SchemaUnavailableException when the registry cannot be reached
     */
    public void decode(SourceRecord r, Row row) throws DecodeException {
        byte[] value = r.value();
        byte[] key = r.key();
        row.clear();
        row.put("_kafka_topic", r.stream());
        row.put("_kafka_partition", r.partition());
        row.put("_kafka_offset", r.offset());
        row.put("_kafka_timestamp", Instant.ofEpochMilli(r.timestamp()));
        if (keys == null || key == null) {
            row.put("_kafka_key", key == null ? null : Utf8.decode(key, "key (key_format string)", "key_format"));
        } else {
            decodeKey(key, row);
        }
        if (headers) {
            row.put("_kafka_headers", headers(r.headers()), HEADERS);
        }
        int payloadStart = row.size();
        if (value != null) {
            values.decode(value, row);
        }
        try {
            names.apply(row, payloadStart);
        } catch (ColumnNameException e) {
            throw new DecodeException(e.getMessage(), e);
        }
    }

    /**
     * The record's headers as a map of name to bytes (a null value stays null). Kafka allows a name twice; the map keeps
     * the last value, as Kafka's {@code Headers.lastHeader} does.
     */
    private static MapValue headers(List<SourceRecord.Header> in) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (SourceRecord.Header h : in) {
            out.remove(h.name());
            out.put(h.name(), h.value());
        }
        return new MapValue(out);
    }

    /**
     * Key fields become {@code _kafka_key<sep><field>} columns; a key that decodes to one {@code value} column (a
     * string, bytes or a non-record schema) becomes {@code _kafka_key} itself.
     */
    private void decodeKey(byte[] key, Row row) throws DecodeException {
        keyRow.clear();
        try {
            keys.decode(key, keyRow);
        } catch (DecodeException e) {
            throw new DecodeException("key: " + e.getMessage().replace("message_format", "key_format"), e);
        }
        for (int i = 0; i < keyRow.size(); i++) {
            String name = keyRow.name(i);
            String column = keyRow.size() == 1 && name.equals("value") ? "_kafka_key"
                    : keyColumns.computeIfAbsent(name, n -> "_kafka_key" + separator + n);
            row.put(column, keyRow.value(i), keyRow.type(i));
        }
    }
}
