package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.dev.registry.DevSchemaRegistry;
import io.sluice.format.registry.SchemaRegistryClient;
import io.sluice.format.registry.SchemaType;
import io.sluice.manifest.RegistrySpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while Avro records whose writer schema changes half-way are landing: rows, offsets, the table's columns
 * and the schema history must all come out as one clean run would leave them.
 */
class TypedCrashRecoveryIT {
    private static final int PER_PARTITION = 60_000;
    private static final int PARTITIONS = 3;
    private static final int RECORDS = PER_PARTITION * PARTITIONS;

    @TempDir
    Path dir;

    @Test
    void killNineDuringSchemaEvolutionLosesDuplicatesAndRepeatsNothing() throws Exception {
        String topic = Sluice.unique("typed-crash");
        TestBroker.createTopic(topic, PARTITIONS);
        try (DevSchemaRegistry registry = DevSchemaRegistry.start(dir.resolve("registry"), 0)) {
            SchemaRegistryClient client = new SchemaRegistryClient(RegistrySpec.of(registry.url()));
            String v1 = "{\"type\": \"record\", \"name\": \"Reading\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"},"
                    + " {\"name\": \"machine\", \"type\": \"string\"}, {\"name\": \"value\", \"type\": \"int\"}]}";
            String v2 = "{\"type\": \"record\", \"name\": \"Reading\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"},"
                    + " {\"name\": \"machine\", \"type\": \"string\"}, {\"name\": \"value\", \"type\": \"long\", \"default\": 0},"
                    + " {\"name\": \"unit\", \"type\": [\"null\", \"string\"], \"default\": null}]}";
            int id1 = client.register(topic + "-value", SchemaType.AVRO, v1, List.of());
            int id2 = client.register(topic + "-value", SchemaType.AVRO, v2, List.of());
            Schema s1 = new Schema.Parser().parse(v1);
            Schema s2 = new Schema.Parser().parse(v2);
            try (KafkaProducer<byte[], byte[]> p = AvroIT.bytesProducer()) {
                for (int i = 0; i < RECORDS; i++) {
                    long id = i;
                    int partition = i % PARTITIONS;
                    boolean later = i >= RECORDS / 2; // the second half of every partition uses v2
                    byte[] value = later
                            ? AvroIT.framed(id2, s2, r -> { r.put("id", id); r.put("machine", "m-" + id % 97); r.put("value", 5_000_000_000L + id);
                                r.put("unit", "kPa"); })
                            : AvroIT.framed(id1, s1, r -> { r.put("id", id); r.put("machine", "m-" + id % 97); r.put("value", (int) id); });
                    p.send(new ProducerRecord<>(topic, partition, null, value));
                }
                p.flush();
            }
            Path m = Sluice.manifest(dir, """
                    name: typed_crash
                    source:
                      type: kafka
                      connection: {bootstrap_servers: "%s"}
                      topics: [%s]
                      options: {batch_size: 4000, message_format: avro, schema_registry_url: "%s"}
                    sink: {type: duckdb, path: warehouse.duckdb, table: readings, commit_rows: 4000}
                    """.formatted(TestBroker.bootstrap(), topic, registry.url()));
            Path db = dir.resolve("warehouse.duckdb");
            KillLoop.run(dir, m, db, "readings", RECORDS);

            assertThat(Sluice.queryLong(db, "select count(*) from readings")).isEqualTo(RECORDS);
            assertThat(Sluice.queryLong(db, "select count(distinct id) from readings")).isEqualTo(RECORDS);
            assertThat(Sluice.queryLong(db, "select sum(next_offset) from _sluice_offsets where pipeline = 'typed_crash'"))
                    .isEqualTo(RECORDS);
            assertThat(Sluice.queryLong(db, "select count(*) from readings where id >= " + RECORDS / 2
                    + " and (unit <> 'kPa' or value <> 5000000000 + id)")).isZero();
            assertThat(Sluice.queryLong(db, "select count(*) from readings where id < " + RECORDS / 2
                    + " and (unit is not null or value <> id)")).isZero();
            assertThat(Sluice.query(db, "select column_name || ' ' || data_type from information_schema.columns"
                    + " where table_name = 'readings' and column_name not like '\\_kafka%' escape '\\' order by ordinal_position")
                    .stream().map(r -> r.get(0)).toList()).containsExactly("id BIGINT", "machine VARCHAR", "value BIGINT", "unit VARCHAR");
            // each change recorded once, by the commit that made it, whatever was killed and rolled back in between
            assertThat(Sluice.query(db, "select change, column_name, old_type, new_type, schema_id from _sluice_schema_history"
                    + " where change <> 'create_table' order by change, column_name")).containsExactly(
                    Arrays.asList("add_column", "unit", null, "VARCHAR", id2),
                    Arrays.asList("widen_type", "value", "INTEGER", "BIGINT", id2));
            assertThat(Sluice.queryLong(db, "select count(*) from _sluice_schema_history where change = 'create_table'")).isEqualTo(1);
        }
    }
}
