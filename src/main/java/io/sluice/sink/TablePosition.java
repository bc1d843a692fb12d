package io.sluice.sink;

import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * What one table holds of one source partition: every record below {@code nextOffset} that the pipeline
 * meant for this table is in it. {@code topicId} is Kafka's id of the topic the offsets belong to, so a topic
 * that was deleted and recreated under the same name is not mistaken for the old one; empty when unknown
 * (positions stored before Sluice recorded ids).
 */
public record TablePosition(String table, TopicPartition partition, long nextOffset, Optional<String> topicId) {
    public TablePosition {
        if (nextOffset < 0) {
            throw new IllegalArgumentException("next offset " + nextOffset + " of " + partition + " is negative");
        }
    }
}
