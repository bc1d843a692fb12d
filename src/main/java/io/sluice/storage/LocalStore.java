package io.sluice.storage;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** An {@link ObjectStore} in a directory on local disk; keys are paths relative to it. */
public final class LocalStore implements ObjectStore {
    private static final String STAGING = Keys.RESERVED + "staging";
    private static final String TEMP = Keys.RESERVED + "tmp-";

    private final Path root;

    private LocalStore(Path root) {
        this.root = root;
    }

    /** A store rooted at {@code root} (made absolute); nothing is touched until {@link #check} or a write. */
    public static LocalStore open(Path root) {
        return new LocalStore(root.toAbsolutePath().normalize());
    }

    @Override
    public String describe(String key) {
        return key.isEmpty() ? root.toString() : root.resolve(key).toString();
    }

    @Override
    public StoreLocation location() {
        return new StoreLocation.Local(root);
    }

    @Override
    public void check() {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new SluiceException(Stage.CONNECT, "cannot use " + root + " as the output directory: it is not a directory");
        }
        Path probe = root.resolve(TEMP + "probe-" + UUID.randomUUID());
        try {
            Files.createDirectories(root);
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
            Files.createDirectories(root.resolve(STAGING));
        } catch (IOException e) {
            throw new SluiceException(Stage.CONNECT, "cannot use " + root + " as the output directory: " + cause(e), e);
        }
    }

    @Override
    public void put(String key, byte[] data) {
        Path target = path(key);
        Path temp = null;
        try {
            temp = writeTemp(target, data);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", target, e);
        }
    }

    @Override
    public void putFile(String key, Path file) {
        Path target = path(key);
        try {
            force(file); // the rename must not become visible before the data is on disk (ext4's zero-length files)
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure("move " + file + " to", target, e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        Path target = path(key);
        Path temp = null;
        try {
            temp = writeTemp(target, data);
            return link(target, temp);
        } catch (IOException e) {
            throw failure("create", target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static boolean link(Path target, Path temp) throws IOException {
        try {
            // link(2) fails with EEXIST atomically, also against other processes; Files.move without REPLACE_EXISTING
            // checks and then renames, and rename(2) replaces, so two racing writers could both "win".
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            throw new IOException("the file system does not support hard links, which create-if-absent needs");
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path target = path(key);
        try {
            return Optional.of(Files.readAllBytes(target));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", target, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path target = path(key);
        try {
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(info(key, a)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read the size of", target, e);
        }
    }

    @Override
    public Optional<byte[]> read(String key, long offset, int length) {
        Path target = path(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("cannot read " + length + " bytes at offset " + offset + " of " + target);
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, Math.min(length, size - offset)));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break; // it shrank under us: what was there is what there is
                }
            }
            return Optional.of(buf.position() == buf.capacity() ? buf.array() : Arrays.copyOf(buf.array(), buf.position()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", target, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        Keys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix) && !isBookkeeping(k))
                    .forEach(keys::add);
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            // a file vanishing under the walk is a concurrent delete, not a failure
            if (!(io instanceof NoSuchFileException)) {
                throw failure("list", start, io);
            }
            return list(prefix);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public List<ObjectInfo> listFolder(String folder, String from) {
        Keys.checkFolder(folder);
        Path dir = folder.isEmpty() ? root : path(folder.substring(0, folder.length() - 1));
        List<ObjectInfo> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(Keys.RESERVED) || name.compareTo(from) < 0) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        objects.add(info(folder + name, a));
                    }
                } catch (NoSuchFileException e) {
                    // deleted while listed: not there
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            throw failure("list", dir, io);
        }
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    private static ObjectInfo info(String key, BasicFileAttributes a) {
        return new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant());
    }

    @Override
    public void delete(String key) {
        Path target = path(key);
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw failure("delete", target, e);
        }
    }

    @Override
    public Path stagingDirectory() {
        Path staging = root.resolve(STAGING);
        try {
            return Files.createDirectories(staging);
        } catch (IOException e) {
            throw failure("create", staging, e);
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "LocalStore[" + root + "]";
    }

    private Path path(String key) {
        try {
            return root.resolve(Keys.check(key));
        } catch (java.nio.file.InvalidPathException e) {
            if (!String.valueOf(e.getReason()).contains("unmappable")) {
                throw new SluiceException(Stage.WRITE, "cannot name a file " + root + "/" + key + ": " + e.getReason(), e);
            }
            // Java names files in the locale's charset (sun.jnu.encoding); under LANG=C that is ASCII only
            String charset = System.getProperty("sun.jnu.encoding", "?");
            throw new SluiceException(Stage.WRITE, "cannot name a file " + root + "/" + key + ": this JVM names files in "
                    + charset + " (from the locale: LANG/LC_ALL), which cannot hold some of its characters; run Sluice with"
                    + " a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (bin/sluice chooses one when the locale is not UTF-8)", e);
        }
    }

    private static boolean isBookkeeping(String key) {
        return key.startsWith(Keys.RESERVED) || key.contains("/" + Keys.RESERVED);
    }

    private static Path writeTemp(Path target, byte[] data) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(TEMP + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw e;
        }
        return temp;
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is skipped by list() and does no harm
            }
        }
    }

    private static SluiceException failure(String what, Path where, IOException e) {
        return new SluiceException(Stage.WRITE, "cannot " + what + " " + where + ": " + cause(e), e);
    }

    /**
     * The cause of a file system failure in plain words ("disk full", "permission denied", "... is not a directory"),
     * naming the path when it is not the one being written; for writers of local files outside a store (staging files).
     */
    public static String cause(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        String r = reason == null ? "" : reason;
        if (e instanceof AccessDeniedException || r.contains("Permission denied") || r.contains("Operation not permitted")) {
            return "permission denied" + on(file);
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "it is on another file system (write it in stagingDirectory(), which is beside the data)";
        }
        if (r.contains("No space left") || r.contains("Disk quota exceeded")) {
            return "disk full" + on(file);
        }
        if (r.contains("Read-only file system")) {
            return "read-only file system" + on(file);
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException || r.contains("Not a directory")) {
            return (file == null ? "a path" : blockingFile(file)) + " is not a directory";
        }
        if (e instanceof NoSuchFileException) {
            return (file == null ? "a path" : file) + " does not exist";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return (file == null ? "the target" : file) + " is a directory";
        }
        return r.isEmpty() ? e.getClass().getSimpleName() : r;
    }

    /** The existing non-directory on the way to {@code file} (mkdir's ENOTDIR names the directory it wanted). */
    private static String blockingFile(String file) {
        for (Path p = Path.of(file); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? file : p.toString();
            }
        }
        return file;
    }

    private static String on(String file) {
        return file == null ? "" : " (" + file + ")";
    }
}
