package io.sluice.pipeline;

import io.sluice.format.DecodeException;
import io.sluice.format.SchemaUnavailableException;
import io.sluice.manifest.SourceOptions.OnError;
import io.sluice.schema.Row;
import io.sluice.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first row stage: a source record becomes a row ({@link RecordDecoder}), or is skipped or fails the run by
 * {@code on_error}. A failure names the record's topic, partition and offset. Later row stages (transforms, quality
 * rules) take the row it fills, with the original record still at hand.
 */
final class DecodeStage {
    private static final Logger LOG = LoggerFactory.getLogger(DecodeStage.class);

    private final RecordDecoder decoder;
    private final OnError onError;

    DecodeStage(RecordDecoder decoder, OnError onError) {
        this.decoder = decoder;
        this.onError = onError;
    }

    /**
     * Fills {@code row} from {@code r}; false when the record cannot be decoded and {@code on_error} is skip.
     *
     * @throws RecordException when it cannot be decoded and {@code on_error} is fail, or the schema registry cannot be
     *                         reached (then the record is read again on the next run)
     */
    boolean apply(SourceRecord r, Row row) {
        try {
            decoder.decode(r, row);
            return true;
        } catch (SchemaUnavailableException e) {
            throw new RecordException(Stage.DECODE, r.stream(), r.partition(), r.offset(), e.getMessage()
                    + " (nothing of this batch was committed; the record is read again on the next run)");
        } catch (DecodeException e) {
            if (onError == OnError.FAIL) {
                throw new RecordException(Stage.DECODE, r.stream(), r.partition(), r.offset(), e.getMessage()
                        + " (nothing of this batch was committed; set source.options.on_error: skip to skip such records)");
            }
            LOG.warn("skipped record {}/{}@{}: {}", r.stream(), r.partition(), r.offset(), e.getMessage());
            return false;
        }
    }

    /** The record's key and value bytes, which {@code batch_max_bytes} counts. */
    static long size(SourceRecord r) {
        return r.size();
    }
}
