package io.sluice.format.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.dev.EventEncoder;
import io.sluice.manifest.RegistrySpec;
import io.sluice.manifest.SchemaOptions.SubjectNameStrategy;
import io.sluice.manifest.SourceOptions.MessageFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubjectNamesTest {
    /** No reference is resolved, so no registry is contacted. */
    private final SchemaRegistryClient client = new SchemaRegistryClient(RegistrySpec.of("http://localhost:1"));

    @Test
    void strategiesNameSubjectsAsConfluentDoes() {
        assertThat(SubjectNameStrategy.TOPIC.subject("orders", "shop.Order", false)).isEqualTo("orders-value");
        assertThat(SubjectNameStrategy.TOPIC.subject("orders", "shop.Order", true)).isEqualTo("orders-key");
        assertThat(SubjectNameStrategy.RECORD.subject("orders", "shop.Order", false)).isEqualTo("shop.Order");
        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("orders", "shop.Order", false)).isEqualTo("orders-shop.Order");
    }

    @Test
    void recordNamesComeFromEachSchemaLanguage() {
        for (MessageFormat f : List.of(MessageFormat.AVRO, MessageFormat.PROTOBUF, MessageFormat.JSON_SCHEMA)) {
            SchemaType type = f == MessageFormat.AVRO ? SchemaType.AVRO : f == MessageFormat.PROTOBUF ? SchemaType.PROTOBUF : SchemaType.JSON;
            assertThat(client.recordName(new RegisteredSchema(1, type, EventEncoder.schemaText(f), List.of())))
                    .as(f.word()).contains(EventEncoder.RECORD_NAME);
        }
        assertThat(client.recordName(new RegisteredSchema(2, SchemaType.AVRO, "\"string\"", List.of()))).isEmpty();
        assertThat(client.recordName(new RegisteredSchema(3, SchemaType.JSON, "{\"type\": \"object\"}", List.of()))).isEqualTo(Optional.empty());
    }
}
