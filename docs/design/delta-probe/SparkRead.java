package probe;

import org.apache.spark.sql.*;

public final class SparkRead {
  public static void main(String[] args) {
    long t0 = System.nanoTime();
    SparkSession spark = SparkSession.builder().master("local[1]").appName("delta-read")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    long t1 = System.nanoTime();
    System.out.printf("session in %.2f s (JVM up %.2f s before main)%n", (t1 - t0) / 1e9,
        (System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3 - (t1 - t0) / 1e9);
    for (String path : args) {
      Dataset<Row> df = spark.read().format("delta").load(path);
      df.printSchema();
      long c0 = System.nanoTime();
      System.out.println("count=" + df.count());
      System.out.printf("first count in %.2f s%n", (System.nanoTime() - c0) / 1e9);
      df.orderBy("id").show(20, false);
      spark.sql("DESCRIBE HISTORY delta.`" + path + "`").select("version", "operation", "operationMetrics").orderBy("version").show(20, false);
      spark.sql("SELECT count(*) FROM delta.`" + path + "` VERSION AS OF 1").show();
    }
    System.out.printf("total %.2f s%n", (System.nanoTime() - t0) / 1e9);
    spark.stop();
  }
}
