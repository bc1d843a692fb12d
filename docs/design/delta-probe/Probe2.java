package probe;

import static io.delta.kernel.internal.util.Utils.toCloseableIterator;

import io.delta.kernel.*;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.*;
import io.delta.kernel.utils.*;
import java.nio.file.Paths;
import java.util.*;
import org.apache.hadoop.conf.Configuration;

/** First commit = create + data + positions; explicit physical names on added columns. */
public final class Probe2 {
  public static void main(String[] args) throws Exception {
    Engine engine = DefaultEngine.create(new LinkCommitFileIO(new Configuration()));
    StructType schema = new StructType().add("id", LongType.LONG, false).add("ts", TimestampType.TIMESTAMP)
        .add("reading", IntegerType.INTEGER).add("region", StringType.STRING);
    Map<String, String> props = Map.of("delta.columnMapping.mode", "name", "delta.feature.domainMetadata", "supported");

    // a) TableManager create + domain metadata + data in commit 0
    String t3 = "/tmp/delta-probe/tables/t3";
    Probe.deleteTree(Paths.get(t3));
    Transaction c = TableManager.buildCreateTableTransaction(t3, schema, "p2").withTableProperties(props)
        .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column("region")))).build(engine);
    c.addDomainMetadata("sluice.positions", "{\"orders/0\":3}");
    System.out.println("a) " + commitWithFile(engine, c) + " domain=" + TableManager.loadSnapshot(t3).build(engine).getDomainMetadata("sluice.positions"));

    // b) legacy Table API: CREATE_TABLE with withTransactionId + data in commit 0
    String t4 = "/tmp/delta-probe/tables/t4";
    Probe.deleteTree(Paths.get(t4));
    try {
      Transaction l = Table.forPath(engine, t4).createTransactionBuilder(engine, "p2", Operation.CREATE_TABLE)
          .withSchema(engine, schema).withPartitionColumns(engine, List.of("region"))
          .withTableProperties(engine, props).withTransactionId(engine, "sluice-app", 1).build(engine);
      l.addDomainMetadata("sluice.positions", "{\"orders/0\":3}");
      System.out.println("b) " + commitWithFile(engine, l) + " txn=" + TableManager.loadSnapshot(t4).build(engine).getLatestTransactionVersion(engine, "sluice-app"));
    } catch (Exception e) {
      System.out.println("b) " + e);
    }

    // c) add a column with explicit id + physical name (col-<uuid>) on an existing table
    Snapshot s = TableManager.loadSnapshot(t3).build(engine);
    long maxId = Long.parseLong(s.getTableProperties().get("delta.columnMapping.maxColumnId"));
    String phys = "col-" + UUID.randomUUID();
    StructType evolved = s.getSchema().add(new StructField("note", StringType.STRING, true,
        FieldMetadata.builder().putLong("delta.columnMapping.id", maxId + 1).putString("delta.columnMapping.physicalName", phys).build()));
    try {
      s.buildUpdateTableTransaction("p2", Operation.MANUAL_UPDATE).withUpdatedSchema(evolved).build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      Snapshot s2 = TableManager.loadSnapshot(t3).build(engine);
      System.out.println("c) note -> " + s2.getSchema().get("note").getMetadata() + " maxColumnId=" + s2.getTableProperties().get("delta.columnMapping.maxColumnId"));
    } catch (Exception e) {
      System.out.println("c) " + e);
    }
    // d) same, but a physical name that is already used
    Snapshot s3 = TableManager.loadSnapshot(t3).build(engine);
    String used = s3.getSchema().get("id").getMetadata().getString("delta.columnMapping.physicalName");
    StructType dup = s3.getSchema().add(new StructField("dup", StringType.STRING, true,
        FieldMetadata.builder().putLong("delta.columnMapping.id", 99).putString("delta.columnMapping.physicalName", used).build()));
    try {
      s3.buildUpdateTableTransaction("p2", Operation.MANUAL_UPDATE).withUpdatedSchema(dup).build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      System.out.println("d) duplicate physical name committed?! read back rows=" + Probe.countRows(engine, TableManager.loadSnapshot(t3).build(engine)));
    } catch (Exception e) {
      System.out.println("d) " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    // e) drop a column / narrow a type
    StructType dropped = new StructType();
    for (StructField f : s3.getSchema().fields()) if (!f.getName().equals("reading")) dropped = dropped.add(f);
    try {
      Snapshot s4 = TableManager.loadSnapshot(t3).build(engine);
      dropped = new StructType();
      for (StructField f : s4.getSchema().fields()) if (!f.getName().equals("reading")) dropped = dropped.add(f);
      s4.buildUpdateTableTransaction("p2", Operation.MANUAL_UPDATE).withUpdatedSchema(dropped).build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      System.out.println("e) drop column committed; schema now " + TableManager.loadSnapshot(t3).build(engine).getSchema().fieldNames());
    } catch (Exception e) {
      System.out.println("e) drop: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  static String commitWithFile(Engine engine, Transaction txn) throws Exception {
    Row st = txn.getTransactionState(engine);
    DataWriteContext ctx = Transaction.getWriteContext(engine, st, Map.of("region", Literal.ofString("eu")));
    DataFileStatus f = Probe.writeParquet(ctx, txn.getSchema(engine), 0, 3);
    TransactionCommitResult r = txn.commit(engine, CloseableIterable.inMemoryIterable(
        Transaction.generateAppendActions(engine, st, toCloseableIterator(List.of(f).iterator()), ctx)));
    return "committed version " + r.getVersion() + " rows=" + Probe.countRows(engine, r.getPostCommitSnapshot().get());
  }
}
