package io.sluice.format.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.format.DecodeException;
import io.sluice.manifest.SourceOptions.NestedMode;
import io.sluice.schema.DataType;
import io.sluice.schema.Row;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroRowReaderTest {
    @TempDir
    Path dir;

    private static byte[] write(Schema schema, GenericRecord r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, e);
        e.flush();
        return out.toByteArray();
    }

    @Test
    void aDecimalWithMoreDigitsThanItsTypeIsADecodeError() throws Exception {
        Schema schema = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"P\", \"fields\": [{\"name\": \"amount\","
                + " \"type\": {\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 5, \"scale\": 2}}]}");
        Schema amount = schema.getField("amount").schema();
        // Avro's own writer does not check precision: 12345678.90 has 10 digits
        ByteBuffer big = new Conversions.DecimalConversion().toBytes(new BigDecimal("12345678.90"), amount, LogicalTypes.decimal(10, 2));
        GenericRecord r = new GenericData.Record(schema);
        r.put("amount", big);
        AvroRowReader reader = new AvroRowReader(schema, NestedMode.FLATTEN, "__");
        byte[] payload = write(schema, r);
        assertThatThrownBy(() -> reader.read(payload, 0, payload.length, new Row())).isInstanceOf(DecodeException.class)
                .hasMessage("a decimal(5, 2) holds 12345678.90, which has 10 digits");

        r.put("amount", new Conversions.DecimalConversion().toBytes(new BigDecimal("123.45"), amount, LogicalTypes.decimal(5, 2)));
        byte[] ok = write(schema, r);
        Row row = new Row();
        reader.read(ok, 0, ok.length, row);
        assertThat(row.value(0)).isEqualTo(new BigDecimal("123.45"));
        assertThat(row.type(0)).isEqualTo(new DataType.Decimal(5, 2));
    }

    @Test
    void unionBranchesOfTheSameNameInOtherNamespacesGetTheirFullNames() throws Exception {
        Schema schema = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"E\", \"fields\": [{\"name\": \"who\", \"type\": ["
                + "\"null\", {\"type\": \"record\", \"name\": \"Id\", \"namespace\": \"a\", \"fields\": [{\"name\": \"x\", \"type\": \"int\"}]},"
                + " {\"type\": \"record\", \"name\": \"Id\", \"namespace\": \"b\", \"fields\": [{\"name\": \"y\", \"type\": \"string\"}]},"
                + " \"string\"]}]}");
        AvroRowReader reader = new AvroRowReader(schema, NestedMode.STRUCT, "__");
        GenericRecord r = new GenericData.Record(schema);
        GenericRecord b = new GenericData.Record(schema.getField("who").schema().getTypes().get(2));
        b.put("y", "yes");
        r.put("who", b);
        byte[] payload = write(schema, r);
        Row row = new Row();
        reader.read(payload, 0, payload.length, row);
        assertThat(row.type(0).describe()).isEqualTo("STRUCT(a.Id STRUCT(x INTEGER), b.Id STRUCT(y VARCHAR), string VARCHAR)");
        assertThat(row.value(0)).hasToString("{b.Id={y=yes}}");
    }

    @Test
    void aSchemaFileWithAnInvalidDefaultIsReportedNotThrownThrough() throws Exception {
        Path avsc = Files.writeString(dir.resolve("bad.avsc"),
                "{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"n\", \"type\": \"int\", \"default\": \"x\"}]}");
        assertThatThrownBy(() -> AvroDecoder.withSchemaFile(avsc, false, NestedMode.FLATTEN, "__"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Avro schema file " + avsc + " is not a valid schema: ");
    }
}
