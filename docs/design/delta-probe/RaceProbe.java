package probe;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.internal.util.Utils;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;

/** N threads race to create the same _delta_log/N.json through FileIO.writeAtomically(overwrite=false). */
public final class RaceProbe {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[1]), threads = Integer.parseInt(args[2]);
    FileIO io = args[0].equals("hadoop") ? new HadoopFileIO(new Configuration()) : new LinkCommitFileIO(new Configuration());
    Path dir = Files.createTempDirectory("race");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    int multiWinner = 0, lost = 0, noWinner = 0;
    for (int r = 0; r < rounds; r++) {
      String file = dir.resolve(String.format("%020d.json", r)).toString();
      CyclicBarrier barrier = new CyclicBarrier(threads);
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final String me = "writer-" + t;
        fs.add(pool.submit(() -> {
          barrier.await();
          try {
            io.newOutputFile(file).writeAtomically(Utils.toCloseableIterator(List.of("{\"commitInfo\":{\"w\":\"" + me + "\"}}").iterator()), false);
            return true;
          } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
          }
        }));
      }
      List<String> winners = new ArrayList<>();
      for (int t = 0; t < threads; t++) if (fs.get(t).get()) winners.add("writer-" + t);
      String content = Files.readString(Paths.get(file));
      if (winners.size() > 1) multiWinner++;
      if (winners.isEmpty()) noWinner++;
      // a writer told "committed" whose content is not the file: its commit is lost
      for (String w : winners) if (!content.contains(w)) lost++;
    }
    pool.shutdown();
    System.out.printf("%s: %d rounds x %d threads: rounds with >1 winner=%d, winners whose commit was overwritten=%d, no winner=%d%n",
        args[0], rounds, threads, multiWinner, lost, noWinner);
  }
}
