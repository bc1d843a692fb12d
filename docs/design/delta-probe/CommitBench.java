package probe;

import static io.delta.kernel.internal.util.Utils.toCloseableIterator;

import io.delta.kernel.*;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.*;
import io.delta.kernel.utils.*;
import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.util.*;
import org.apache.hadoop.conf.Configuration;

/** N sequential commits of one Parquet file each, txn id + one domain, hooks run inline. */
public final class CommitBench {
  public static void main(String[] args) throws Exception {
    String table = "/tmp/delta-probe/tables/bench";
    Probe.deleteTree(Paths.get(table));
    int n = Integer.parseInt(args[0]);
    Engine engine = DefaultEngine.create(new LinkCommitFileIO(new Configuration()));
    StructType schema = new StructType().add("id", LongType.LONG, false).add("ts", TimestampType.TIMESTAMP)
        .add("reading", IntegerType.INTEGER).add("region", StringType.STRING);
    TableManager.buildCreateTableTransaction(table, schema, "bench")
        .withTableProperties(Map.of("delta.columnMapping.mode", "name", "delta.feature.domainMetadata", "supported",
            "delta.checkpointInterval", "10"))
        .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column("region"))))
        .build(engine).commit(engine, CloseableIterable.emptyIterable()).getPostCommitHooks()
        .forEach(h -> { try { h.threadSafeInvoke(engine); } catch (Exception e) { throw new RuntimeException(e); } });
    var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] ms = new long[n];
    long cpu0 = 0, wall0 = 0;
    Snapshot snap = TableManager.loadSnapshot(table).build(engine);
    for (int i = 0; i < n; i++) {
      if (i == n / 2) { cpu0 = cpu.getProcessCpuTime(); wall0 = System.nanoTime(); }
      long t0 = System.nanoTime();
      Transaction txn = snap.buildUpdateTableTransaction("bench", Operation.STREAMING_UPDATE)
          .withTransactionId("bench-app", i + 1).build(engine);
      txn.addDomainMetadata("sluice.positions", "{\"orders/0\":" + (i + 1) * 1000 + "}");
      Row st = txn.getTransactionState(engine);
      DataWriteContext ctx = Transaction.getWriteContext(engine, st, Map.of("region", Literal.ofString("eu")));
      if (i == 0) System.out.println("statistics columns requested: " + ctx.getStatisticsColumns());
      DataFileStatus f = Probe.writeParquet(ctx, txn.getSchema(engine), i * 1000L, 1000);
      TransactionCommitResult r = txn.commit(engine, CloseableIterable.inMemoryIterable(
          Transaction.generateAppendActions(engine, st, toCloseableIterator(List.of(f).iterator()), ctx)));
      for (PostCommitHook h : r.getPostCommitHooks()) h.threadSafeInvoke(engine);
      snap = r.getPostCommitSnapshot().orElseGet(() -> TableManager.loadSnapshot(table).build(engine));
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    long cpuUsed = cpu.getProcessCpuTime() - cpu0, wall = System.nanoTime() - wall0;
    long[] second = Arrays.copyOfRange(ms, n / 2, n);
    Arrays.sort(second);
    System.out.printf("first commit %d ms; second half: median %d ms, p90 %d ms, max %d ms; CPU %.1f ms per commit (wall %.1f)%n",
        ms[0], second[second.length / 2], second[(int) (second.length * 0.9)], second[second.length - 1],
        cpuUsed / 1e6 / second.length, wall / 1e6 / second.length);
    Snapshot last = TableManager.loadSnapshot(table).build(engine);
    System.out.println("version=" + last.getVersion() + " txn=" + last.getLatestTransactionVersion(engine, "bench-app")
        + " positions=" + last.getDomainMetadata("sluice.positions") + " postCommitSnapshot present=" + (snap != null));
  }
}
