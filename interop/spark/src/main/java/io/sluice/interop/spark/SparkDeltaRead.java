package io.sluice.interop.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Reads Delta tables with Spark and delta-spark, an independent reader of what Sluice's Delta sink writes, and prints
 * one line per table on stdout: {@code RESULT } and a JSON object with
 * <ul>
 *   <li>{@code path}, {@code version} (the latest, from the history);</li>
 *   <li>{@code schema}: {@code [{"name", "type"}]}, the type as Spark's simpleString ({@code bigint},
 *       {@code decimal(10,2)}, {@code struct<a:int>});</li>
 *   <li>{@code count}, and {@code rows}: every row as a JSON object (Spark's to_json; timestamps in UTC with six
 *       fraction digits, binary as base64, nulls kept), ordered by {@code _kafka_partition, _kafka_offset} when the
 *       table has them;</li>
 *   <li>{@code history}: {@code [{"version", "operation"}]}, oldest first;</li>
 *   <li>{@code versionCounts}: {@code {"N": count}} for each version asked for (time travel).</li>
 * </ul>
 * Arguments: {@code TABLE[#V1,V2,...]...}. Exit 0 when every table was read, 1 otherwise (the error on stderr).
 */
public final class SparkDeltaRead {
    private SparkDeltaRead() {}

    public static void main(String[] args) {
        // decimals keep their digits and scale on the way through
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        SparkSession spark = SparkSession.builder().master("local[1]").appName("sluice-delta-interop")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
                .config("spark.databricks.delta.snapshotPartitions", "1")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        int exit = 0;
        try {
            for (String arg : args) {
                String[] parts = arg.split("#", 2);
                String path = parts[0];
                try {
                    ObjectNode out = json.createObjectNode();
                    out.put("path", path);
                    Dataset<Row> df = spark.read().format("delta").load(path);
                    ArrayNode schema = out.putArray("schema");
                    List<String> names = new ArrayList<>();
                    for (StructField f : df.schema().fields()) {
                        schema.addObject().put("name", f.name()).put("type", f.dataType().simpleString());
                        names.add(f.name());
                    }
                    out.put("count", df.count());
                    Dataset<Row> ordered = names.contains("_kafka_partition") && names.contains("_kafka_offset")
                            ? df.orderBy("_kafka_partition", "_kafka_offset") : df;
                    Column all = struct(names.stream().map(n -> col("`" + n.replace("`", "``") + "`")).toArray(Column[]::new));
                    Map<String, String> options = Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
                            "ignoreNullFields", "false");
                    ArrayNode rows = out.putArray("rows");
                    for (Row r : ordered.select(to_json(all, options)).collectAsList()) {
                        rows.add(json.readTree(r.getString(0)));
                    }
                    ArrayNode history = out.putArray("history");
                    long latest = -1;
                    for (Row h : spark.sql("DESCRIBE HISTORY delta.`" + path.replace("`", "``") + "`")
                            .select("version", "operation").orderBy("version").collectAsList()) {
                        history.addObject().put("version", h.getLong(0)).put("operation", h.getString(1));
                        latest = Math.max(latest, h.getLong(0));
                    }
                    out.put("version", latest);
                    ObjectNode counts = out.putObject("versionCounts");
                    if (parts.length > 1) {
                        for (String v : Arrays.asList(parts[1].split(","))) {
                            counts.put(v, spark.read().format("delta").option("versionAsOf", Long.parseLong(v)).load(path).count());
                        }
                    }
                    System.out.println("RESULT " + json.writeValueAsString(out));
                } catch (Exception e) {
                    exit = 1;
                    System.err.println("reading " + path + " failed: " + e);
                    e.printStackTrace();
                }
            }
        } finally {
            spark.stop();
        }
        System.exit(exit);
    }
}
