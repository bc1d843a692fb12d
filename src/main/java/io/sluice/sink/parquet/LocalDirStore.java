package io.sluice.sink.parquet;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** A stand-in local store until io.sluice.storage's LocalStore is merged; same promises, fewer checks. */
final class LocalDirStore implements ObjectStore {
    private final Path root;

    LocalDirStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe(String key) {
        return key.isEmpty() ? root.toString() : root.resolve(key).toString();
    }

    @Override
    public void check() {
        try {
            Files.createDirectories(root);
            Path probe = root.resolve(".sluice-probe-" + UUID.randomUUID());
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            throw new SluiceException(Stage.CONNECT, "cannot use " + root + " as the output directory: " + e, e);
        }
    }

    @Override
    public void put(String key, byte[] data) {
        Path target = root.resolve(key);
        try {
            Path temp = temp(target, data);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot write " + target + ": " + e, e);
        }
    }

    @Override
    public void putFile(String key, Path file) {
        Path target = root.resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot move " + file + " to " + target + ": " + e, e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        Path target = root.resolve(key);
        Path temp = null;
        try {
            temp = temp(target, data);
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot create " + target + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    private static Path temp(Path target, byte[] data) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(".sluice-tmp-" + UUID.randomUUID());
        Files.write(temp, data);
        return temp;
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(root.resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot read " + root.resolve(key) + ": " + e, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(k -> k.startsWith(prefix) && !k.contains(".sluice-")).forEach(keys::add);
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot list " + start + ": " + e, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(root.resolve(key));
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot delete " + root.resolve(key) + ": " + e, e);
        }
    }

    @Override
    public Path stagingDirectory() {
        try {
            return Files.createDirectories(root.resolve(".sluice-staging"));
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot create " + root.resolve(".sluice-staging") + ": " + e, e);
        }
    }

    @Override
    public void close() {}
}
