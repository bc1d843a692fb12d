package probe;

import static io.delta.kernel.internal.util.Utils.singletonCloseableIterator;
import static io.delta.kernel.internal.util.Utils.toCloseableIterator;

import io.delta.kernel.*;
import io.delta.kernel.data.*;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.*;
import io.delta.kernel.utils.*;
import java.io.File;
import java.nio.file.*;
import java.util.*;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.*;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

public final class Probe {
  static final String APP = "sluice-probe";

  public static void main(String[] args) throws Exception {
    String table = args.length > 0 ? args[0] : "/tmp/delta-probe/tables/t1";
    deleteTree(Paths.get(table));
    LinkCommitFileIO fileIO = new LinkCommitFileIO(new Configuration());
    Engine engine = DefaultEngine.create(fileIO);
    long t0 = System.nanoTime();

    // 1. create: schema, partition column, properties
    StructType schema = new StructType()
        .add("id", LongType.LONG, false)
        .add("ts", TimestampType.TIMESTAMP, true)
        .add("reading", IntegerType.INTEGER, true)
        .add("region", StringType.STRING, true);
    Map<String, String> props = new LinkedHashMap<>();
    props.put("delta.columnMapping.mode", "name");
    props.put("delta.feature.domainMetadata", "supported");
    props.put("delta.enableTypeWidening", "true");
    props.put("delta.checkpointInterval", "3");
    TransactionCommitResult created = TableManager.buildCreateTableTransaction(table, schema, "sluice/probe")
        .withTableProperties(props)
        .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column("region"))))
        .build(engine)
        .commit(engine, CloseableIterable.emptyIterable());
    System.out.println("create: version=" + created.getVersion() + " hooks=" + hookTypes(created));

    Snapshot s0 = TableManager.loadSnapshot(table).build(engine);
    System.out.println("protocol: " + s0.getProtocol());
    System.out.println("properties: " + s0.getTableProperties());
    for (StructField f : s0.getSchema().fields()) {
      System.out.println("  field " + f.getName() + " " + f.getDataType() + " metadata=" + f.getMetadata());
    }

    // 2. append one Parquet file written by parquet-java, with txn id + domain metadata
    TransactionCommitResult r1 = append(engine, s0, "eu", 1, 0, 3, "sluice.pos.orders.0", 3);
    System.out.println("append1: version=" + r1.getVersion() + " hooks=" + hookTypes(r1));
    runHooks(engine, r1);
    Snapshot s1 = TableManager.loadSnapshot(table).build(engine);
    report(engine, s1);

    // 3. conflicts: several writers built on the same snapshot s1
    Transaction a = appendTxn(engine, s1, "eu", 2, 3, 2, "sluice.pos.orders.0", 5, OptionalInt.empty());
    Transaction b = appendTxn(engine, s1, "us", 2, 100, 2, "sluice.pos.orders.1", 102, OptionalInt.empty(), "other-app");
    Transaction c = appendTxn(engine, s1, "eu", 2, 3, 2, "sluice.pos.orders.2", 5, OptionalInt.empty());
    Transaction d = appendTxn(engine, s1, "eu", 3, 3, 2, "sluice.pos.orders.0", 5, OptionalInt.empty(), "third-app");
    Transaction e = appendTxn(engine, s1, "eu", 3, 3, 2, "sluice.pos.orders.9", 5, OptionalInt.of(0), "fourth-app");
    Transaction f = appendTxn(engine, s1, "eu", 2, 3, 2, null, 0, OptionalInt.empty(), "fifth-app");
    commitAndPrint(engine, "A (app sluice-probe v2)", a, writeContextFiles.get(a));
    commitAndPrint(engine, "B (other-app v2, other domain, same base)", b, writeContextFiles.get(b));
    commitAndPrint(engine, "C (sluice-probe v2 again, same base)", c, writeContextFiles.get(c));
    commitAndPrint(engine, "D (third-app, same domain sluice.pos.orders.0 as A)", d, writeContextFiles.get(d));
    commitAndPrint(engine, "E (fourth-app, maxRetries=0)", e, writeContextFiles.get(e));
    commitAndPrint(engine, "F (fifth-app, no domain; after checkpoint v3?)", f, writeContextFiles.get(f));
    Snapshot latest = TableManager.loadSnapshot(table).build(engine);
    try {
      latest.buildUpdateTableTransaction("sluice/probe", Operation.WRITE).withTransactionId(APP, 2).build(engine);
      System.out.println("build with stale txn version: accepted?!");
    } catch (Exception ex) {
      System.out.println("build with stale txn version (2 <= latest): " + ex.getClass().getName() + ": " + ex.getMessage());
    }
    // raw: the log entry itself
    String logFile = table + "/_delta_log/" + String.format("%020d", 2) + ".json";
    try {
      engine.getJsonHandler().writeJsonFileAtomically(logFile, singletonCloseableIterator(dummyRow()), false);
      System.out.println("raw write of existing 2.json: succeeded?!");
    } catch (Exception ex) {
      System.out.println("raw write of existing 2.json: " + ex.getClass().getName() + ": " + ex.getMessage());
    }
    report(engine, latest);

    // 4. lost response: the file is written, the writer sees IOException, Kernel retries the same version
    fileIO.failAfterWriteOnce.set(1);
    long v = latest.getLatestTransactionVersion(engine, APP).orElse(0L) + 1;
    Transaction lost = appendTxn(engine, latest, "eu", (int) v, 10, 1, "sluice.pos.orders.0", 11, OptionalInt.empty());
    commitAndPrint(engine, "G (lost response, app " + APP + " v" + v + ")", lost, writeContextFiles.get(lost));
    Snapshot afterLost = TableManager.loadSnapshot(table).build(engine);
    System.out.println("after lost response: version=" + afterLost.getVersion() + " txn(" + APP + ")="
        + afterLost.getLatestTransactionVersion(engine, APP) + " -> commit landed: "
        + (afterLost.getLatestTransactionVersion(engine, APP).orElse(-1L) >= v));

    // 5. schema evolution: add a column and widen int -> long, on the column-mapping table
    StructType evolved = new StructType();
    for (StructField fld : afterLost.getSchema().fields()) {
      evolved = evolved.add(fld.getName().equals("reading") ? fld.withDataType(LongType.LONG) : fld);
    }
    evolved = evolved.add("note", StringType.STRING, true);
    try {
      TransactionCommitResult ev = afterLost.buildUpdateTableTransaction("sluice/probe", Operation.MANUAL_UPDATE)
          .withUpdatedSchema(evolved).build(engine).commit(engine, CloseableIterable.emptyIterable());
      runHooks(engine, ev);
      Snapshot se = TableManager.loadSnapshot(table).build(engine);
      System.out.println("schema evolved at version " + ev.getVersion() + ":");
      for (StructField fld : se.getSchema().fields()) {
        System.out.println("  field " + fld.getName() + " " + fld.getDataType() + " metadata=" + fld.getMetadata());
      }
      System.out.println("protocol now: " + se.getProtocol());
    } catch (Exception ex) {
      System.out.println("schema evolution: " + ex.getClass().getName() + ": " + ex.getMessage());
    }

    // 6. explicit checkpoint + time travel
    Snapshot fin = TableManager.loadSnapshot(table).build(engine);
    try {
      fin.writeCheckpoint(engine);
      System.out.println("writeCheckpoint at " + fin.getVersion() + ": ok");
    } catch (Exception ex) {
      System.out.println("writeCheckpoint: " + ex);
    }
    Snapshot old = TableManager.loadSnapshot(table).atVersion(1).build(engine);
    System.out.println("time travel v1 rows=" + countRows(engine, old));
    report(engine, TableManager.loadSnapshot(table).build(engine));
    try (Stream<Path> ls = Files.list(Paths.get(table, "_delta_log"))) {
      ls.map(p -> p.getFileName().toString()).sorted().forEach(n -> System.out.println("  _delta_log/" + n));
    }
    System.out.printf("total %.2f s%n", (System.nanoTime() - t0) / 1e9);
  }

  // ---------------------------------------------------------------------------------------------

  static final Map<Transaction, DataWriteContext> writeContextFiles = new IdentityHashMap<>();
  static final Map<Transaction, List<DataFileStatus>> files = new IdentityHashMap<>();

  static TransactionCommitResult append(Engine engine, Snapshot s, String region, long txnVersion,
      long firstId, int rows, String domain, long nextOffset) throws Exception {
    Transaction t = appendTxn(engine, s, region, (int) txnVersion, firstId, rows, domain, nextOffset, OptionalInt.empty());
    return commit(engine, t);
  }

  static Transaction appendTxn(Engine engine, Snapshot s, String region, int txnVersion, long firstId,
      int rows, String domain, long nextOffset, OptionalInt maxRetries) throws Exception {
    return appendTxn(engine, s, region, txnVersion, firstId, rows, domain, nextOffset, maxRetries, APP);
  }

  static Transaction appendTxn(Engine engine, Snapshot s, String region, int txnVersion, long firstId,
      int rows, String domain, long nextOffset, OptionalInt maxRetries, String appId) throws Exception {
    var b = s.buildUpdateTableTransaction("sluice/probe", Operation.STREAMING_UPDATE)
        .withTransactionId(appId, txnVersion);
    if (maxRetries.isPresent()) b = b.withMaxRetries(maxRetries.getAsInt());
    Transaction txn = b.build(engine);
    if (domain != null) txn.addDomainMetadata(domain, "{\"nextOffset\":" + nextOffset + "}");
    Row state = txn.getTransactionState(engine);
    DataWriteContext ctx = Transaction.getWriteContext(engine, state, Map.of("region", Literal.ofString(region)));
    DataFileStatus file = writeParquet(ctx, txn.getSchema(engine), firstId, rows);
    writeContextFiles.put(txn, ctx);
    files.put(txn, List.of(file));
    return txn;
  }

  static TransactionCommitResult commit(Engine engine, Transaction txn) throws Exception {
    Row state = txn.getTransactionState(engine);
    CloseableIterator<Row> actions = Transaction.generateAppendActions(engine, state,
        toCloseableIterator(files.get(txn).iterator()), writeContextFiles.get(txn));
    return txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
  }

  static void commitAndPrint(Engine engine, String name, Transaction txn, DataWriteContext ctx) {
    try {
      TransactionCommitResult r = commit(engine, txn);
      System.out.println("commit " + name + ": OK version=" + r.getVersion() + " (read version "
          + txn.getReadTableVersion() + ") hooks=" + hookTypes(r));
      runHooks(engine, r);
    } catch (Exception ex) {
      System.out.println("commit " + name + ": " + ex.getClass().getName() + ": " + ex.getMessage());
    }
  }

  /** Writes one Parquet file with parquet-java: physical column names, field ids, UTC micros. */
  static DataFileStatus writeParquet(DataWriteContext ctx, StructType logical, long firstId, int rows) throws Exception {
    Map<String, String> phys = new HashMap<>();
    Map<String, Integer> ids = new HashMap<>();
    for (StructField f : logical.fields()) {
      phys.put(f.getName(), f.getMetadata().getString("delta.columnMapping.physicalName"));
      ids.put(f.getName(), f.getMetadata().getLong("delta.columnMapping.id").intValue());
    }
    MessageType mt = Types.buildMessage()
        .required(PrimitiveTypeName.INT64).id(ids.get("id")).named(phys.get("id"))
        .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS))
            .id(ids.get("ts")).named(phys.get("ts"))
        .optional(PrimitiveTypeName.INT32).id(ids.get("reading")).named(phys.get("reading"))
        .named("spark_schema"); // region is a partition column: not in the file
    String dir = ctx.getTargetDirectory().replaceFirst("^file:", "");
    Files.createDirectories(Paths.get(dir));
    Path file = Paths.get(dir, "part-" + UUID.randomUUID() + ".zstd.parquet");
    SimpleGroupFactory gf = new SimpleGroupFactory(mt);
    long baseMicros = 1_764_680_000_000_000L; // 2025-12-02T13:33:20Z
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withType(mt).withConf(new Configuration()).withCompressionCodec(CompressionCodecName.ZSTD).build()) {
      for (int i = 0; i < rows; i++) {
        Group g = gf.newGroup().append(phys.get("id"), firstId + i).append(phys.get("ts"), baseMicros + i * 1_000_000L);
        if (i % 2 == 0) g.append(phys.get("reading"), 20 + i);
        w.write(g);
      }
    }
    // stats keyed by *physical* column (DataFileStatistics.serializeAsJson walks the physical schema)
    Map<Column, Literal> min = new HashMap<>(), max = new HashMap<>();
    Map<Column, Long> nulls = new HashMap<>();
    min.put(new Column(phys.get("id")), Literal.ofLong(firstId));
    max.put(new Column(phys.get("id")), Literal.ofLong(firstId + rows - 1));
    nulls.put(new Column(phys.get("id")), 0L);
    min.put(new Column(phys.get("ts")), Literal.ofTimestamp(baseMicros));
    max.put(new Column(phys.get("ts")), Literal.ofTimestamp(baseMicros + (rows - 1) * 1_000_000L));
    nulls.put(new Column(phys.get("ts")), 0L);
    min.put(new Column(phys.get("reading")), Literal.ofInt(20));
    max.put(new Column(phys.get("reading")), Literal.ofInt(20 + ((rows - 1) / 2) * 2));
    nulls.put(new Column(phys.get("reading")), (long) (rows / 2));
    DataFileStatistics stats = new DataFileStatistics(rows, min, max, nulls, Optional.of(true));
    // path: absolute URI, or relative to the table root; Kernel relativizes absolute paths
    return new DataFileStatus(file.toUri().toString(), Files.size(file), Files.getLastModifiedTime(file).toMillis(),
        Optional.of(stats));
  }

  static void report(Engine engine, Snapshot s) throws Exception {
    System.out.println("snapshot version=" + s.getVersion() + " txn(" + APP + ")=" + s.getLatestTransactionVersion(engine, APP)
        + " txn(other-app)=" + s.getLatestTransactionVersion(engine, "other-app")
        + " domain(sluice.pos.orders.0)=" + s.getDomainMetadata("sluice.pos.orders.0")
        + " domain(sluice.pos.orders.1)=" + s.getDomainMetadata("sluice.pos.orders.1")
        + " rows=" + countRows(engine, s));
  }

  static long countRows(Engine engine, Snapshot s) throws Exception {
    Scan scan = s.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType readSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    long n = 0;
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> rows = scanFiles.next().getRows()) {
          while (rows.hasNext()) {
            Row scanFile = rows.next();
            FileStatus fs = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> phys = engine.getParquetHandler()
                .readParquetFiles(singletonCloseableIterator(fs), readSchema, Optional.empty())
                .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState, scanFile, phys)) {
              while (data.hasNext()) {
                FilteredColumnarBatch fb = data.next();
                ColumnarBatch cb = fb.getData();
                if (n == 0 && cb.getSize() > 0) {
                  StringBuilder sb = new StringBuilder("  first row:");
                  for (int i = 0; i < cb.getSchema().length(); i++) {
                    ColumnVector cv = cb.getColumnVector(i);
                    sb.append(' ').append(cb.getSchema().at(i).getName()).append('=');
                    DataType t = cv.getDataType();
                    if (cv.isNullAt(0)) sb.append("null");
                    else if (t instanceof LongType) sb.append(cv.getLong(0));
                    else if (t instanceof IntegerType) sb.append(cv.getInt(0));
                    else if (t instanceof TimestampType) sb.append(java.time.Instant.EPOCH.plusNanos(cv.getLong(0) * 1000));
                    else if (t instanceof StringType) sb.append(cv.getString(0));
                  }
                  System.out.println(sb);
                }
                n += fb.getSelectionVector().isPresent() ? countSelected(fb) : cb.getSize();
              }
            }
          }
        }
      }
    }
    return n;
  }

  static long countSelected(FilteredColumnarBatch fb) {
    ColumnVector sel = fb.getSelectionVector().get();
    long n = 0;
    for (int i = 0; i < fb.getData().getSize(); i++) if (!sel.isNullAt(i) && sel.getBoolean(i)) n++;
    return n;
  }

  static List<String> hookTypes(TransactionCommitResult r) {
    List<String> out = new ArrayList<>();
    for (PostCommitHook h : r.getPostCommitHooks()) out.add(h.getType().name());
    return out;
  }

  static void runHooks(Engine engine, TransactionCommitResult r) throws Exception {
    for (PostCommitHook h : r.getPostCommitHooks()) h.threadSafeInvoke(engine);
  }

  static Row dummyRow() {
    StructType st = new StructType().add("x", StringType.STRING);
    return new Row() {
      public StructType getSchema() { return st; }
      public boolean isNullAt(int o) { return false; }
      public boolean getBoolean(int o) { throw new UnsupportedOperationException(); }
      public byte getByte(int o) { throw new UnsupportedOperationException(); }
      public short getShort(int o) { throw new UnsupportedOperationException(); }
      public int getInt(int o) { throw new UnsupportedOperationException(); }
      public long getLong(int o) { throw new UnsupportedOperationException(); }
      public float getFloat(int o) { throw new UnsupportedOperationException(); }
      public double getDouble(int o) { throw new UnsupportedOperationException(); }
      public String getString(int o) { return "loser"; }
      public java.math.BigDecimal getDecimal(int o) { throw new UnsupportedOperationException(); }
      public byte[] getBinary(int o) { throw new UnsupportedOperationException(); }
      public Row getStruct(int o) { throw new UnsupportedOperationException(); }
      public ArrayValue getArray(int o) { throw new UnsupportedOperationException(); }
      public MapValue getMap(int o) { throw new UnsupportedOperationException(); }
    };
  }

  static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) return;
    try (Stream<Path> w = Files.walk(p)) {
      w.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
