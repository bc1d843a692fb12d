package probe;

import static io.delta.kernel.internal.util.Utils.toCloseableIterator;

import io.delta.kernel.*;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.*;
import io.delta.kernel.utils.*;
import java.nio.file.Paths;
import java.util.*;
import org.apache.hadoop.conf.Configuration;

/** create TABLE | write TABLE hadoop|link APP N | check TABLE APP... */
public final class TwoWriters {
  public static void main(String[] a) throws Exception {
    String table = a[1];
    if (a[0].equals("create")) {
      Probe.deleteTree(Paths.get(table));
      Engine engine = DefaultEngine.create(new LinkCommitFileIO(new Configuration()));
      StructType schema = new StructType().add("id", LongType.LONG, false).add("ts", TimestampType.TIMESTAMP)
          .add("reading", IntegerType.INTEGER).add("region", StringType.STRING);
      TableManager.buildCreateTableTransaction(table, schema, "tw")
          .withTableProperties(Map.of("delta.columnMapping.mode", "name", "delta.feature.domainMetadata", "supported", "delta.checkpointInterval", "10"))
          .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column("region")))).build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      return;
    }
    if (a[0].equals("check")) {
      Engine engine = DefaultEngine.create(new LinkCommitFileIO(new Configuration()));
      Snapshot s = TableManager.loadSnapshot(table).build(engine);
      StringBuilder sb = new StringBuilder("version=" + s.getVersion() + " rows=" + Probe.countRows(engine, s));
      for (int i = 2; i < a.length; i++) sb.append(" txn(").append(a[i]).append(")=").append(s.getLatestTransactionVersion(engine, a[i]))
          .append(" pos=").append(s.getDomainMetadata("sluice.pos." + a[i]));
      System.out.println(sb);
      return;
    }
    String app = a[3];
    int n = Integer.parseInt(a[4]);
    Engine engine = DefaultEngine.create(a[2].equals("hadoop") ? new HadoopFileIO(new Configuration()) : new LinkCommitFileIO(new Configuration()));
    int retriedByKernel = 0;
    for (int i = 1; i <= n; i++) {
      Snapshot snap = TableManager.loadSnapshot(table).build(engine);
      Transaction txn = snap.buildUpdateTableTransaction("tw", Operation.STREAMING_UPDATE).withTransactionId(app, i).build(engine);
      txn.addDomainMetadata("sluice.pos." + app, "{\"next\":" + i * 10 + "}");
      Row st = txn.getTransactionState(engine);
      DataWriteContext ctx = Transaction.getWriteContext(engine, st, Map.of("region", Literal.ofString(app)));
      DataFileStatus f = Probe.writeParquet(ctx, txn.getSchema(engine), i * 10L, 10);
      TransactionCommitResult r = txn.commit(engine, CloseableIterable.inMemoryIterable(
          Transaction.generateAppendActions(engine, st, toCloseableIterator(List.of(f).iterator()), ctx)));
      if (r.getVersion() != snap.getVersion() + 1) retriedByKernel++;
      r.getPostCommitHooks().forEach(h -> { try { h.threadSafeInvoke(engine); } catch (Exception e) { /* checkpoint races: ignore */ } });
    }
    System.out.println(app + ": " + n + " commits, " + retriedByKernel + " rebased by Kernel");
  }
}
