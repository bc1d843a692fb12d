package probe;

import io.delta.kernel.defaults.engine.fileio.*;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;

/**
 * Delegates to Kernel's HadoopFileIO except for the one call a commit makes,
 * OutputFile.writeAtomically(data, overwrite=false): write a temp file, fsync, then link(2) it to
 * the target. link fails with EEXIST atomically, across processes, unlike exists()+rename().
 * failAfterWriteOnce simulates a lost response: the file is written, then an IOException is thrown.
 */
final class LinkCommitFileIO implements FileIO {
  private final HadoopFileIO delegate;
  final AtomicInteger failAfterWriteOnce = new AtomicInteger();

  LinkCommitFileIO(Configuration conf) {
    this.delegate = new HadoopFileIO(conf);
  }

  @Override public CloseableIterator<FileStatus> listFrom(String p) throws IOException { return delegate.listFrom(p); }
  @Override public FileStatus getFileStatus(String p) throws IOException { return delegate.getFileStatus(p); }
  @Override public String resolvePath(String p) throws IOException { return delegate.resolvePath(p); }
  @Override public boolean mkdirs(String p) throws IOException { return delegate.mkdirs(p); }
  @Override public InputFile newInputFile(String p, long size) { return delegate.newInputFile(p, size); }
  @Override public boolean delete(String p) throws IOException { return delegate.delete(p); }
  @Override public Optional<String> getConf(String k) { return delegate.getConf(k); }
  @Override public void copyFileAtomically(String s, String d, boolean o) throws IOException { delegate.copyFileAtomically(s, d, o); }

  @Override
  public OutputFile newOutputFile(String path) {
    OutputFile hadoop = delegate.newOutputFile(path);
    return new OutputFile() {
      @Override public String path() { return path; }
      @Override public PositionOutputStream create(boolean atomic) throws IOException { return hadoop.create(atomic); }

      @Override
      public void writeAtomically(CloseableIterator<String> data, boolean overwrite) throws IOException {
        if (overwrite) { hadoop.writeAtomically(data, true); return; }
        Path target = Paths.get(URI.create(path.startsWith("file:") ? path : "file://" + path));
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (data; Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW)) {
          while (data.hasNext()) { w.write(data.next()); w.write('\n'); }
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) { ch.force(true); }
        try {
          Files.createLink(target, tmp); // throws java.nio.file.FileAlreadyExistsException atomically
        } finally {
          Files.deleteIfExists(tmp);
        }
        if (failAfterWriteOnce.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new IOException("simulated lost response after writing " + target.getFileName());
        }
      }
    };
  }
}
