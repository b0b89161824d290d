package io.clusterimage.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A digest of everything a goal's result depends on — parameters and the files it reads (by path,
 * size, modification time and identity, so computing it costs a directory walk, not a read of every byte). A
 * goal whose fingerprint matches the one recorded after its last run, and whose outputs are still
 * there, has nothing to do. With a {@link ContentMemo} ({@link #byContent}), the user's files count by their
 * content instead, still at the cost of a walk while they keep their identity; the plugin's own outputs stay
 * counted by identity (only its goals write them, and hashing the registry trees would cost a cold build).
 */
public final class Fingerprint {

    private final MessageDigest digest;
    private ContentMemo contents;
    private Path ownOutputs;

    public Fingerprint(String goal) {
        digest = Sha256.digest();
        add("goal", goal);
    }

    /** From now on, regular files outside {@code ownOutputs} are added by content, their hashes kept in {@code memo}. */
    public Fingerprint byContent(ContentMemo memo, Path ownOutputs) {
        this.contents = memo;
        this.ownOutputs = ownOutputs.toAbsolutePath().normalize();
        return this;
    }

    public Fingerprint add(String key, Object value) {
        digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Every file under {@code root} that {@code exclude} does not reject: path, type, size, mtime. */
    public Fingerprint addTree(Path root, Predicate<Path> exclude) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return add("missing", root);
        }
        // an excluded directory is not entered (Maven's build directory, .git: often the biggest trees there are)
        TreeMap<String, String> entries = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(root) && exclude.test(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                record(dir, attributes);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!exclude.test(file)) {
                    record(file, attributes);
                }
                return FileVisitResult.CONTINUE;
            }

            private void record(Path path, BasicFileAttributes attributes) throws IOException {
                if (contents != null && attributes.isRegularFile() && !path.toAbsolutePath().normalize().startsWith(ownOutputs)) {
                    entries.put(root.relativize(path).toString(), "f" + attributes.size() + ":" + contents.sha256(path, attributes));
                    return;
                }
                // a directory by its name only: its size and time change with every excluded child (target/ appearing);
                // a file by size, modification time to the nanosecond and identity (device and inode): one moved
                // over it with the same size and time (an mtime-preserving copy, a checkout tool) is another file
                Instant time = attributes.lastModifiedTime().toInstant();
                entries.put(root.relativize(path).toString(), attributes.isDirectory() ? "d" : (attributes.isSymbolicLink() ? "l" : "f")
                        + attributes.size() + "@" + time.getEpochSecond() + "." + time.getNano() + "#" + attributes.fileKey());
            }
        });
        entries.forEach(this::add);
        return this;
    }

    /** A file by content (for small files such as images.txt). */
    public Fingerprint addContent(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return add("missing", file);
        }
        digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(file));
        return this;
    }

    public String value() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code stamp} holds this fingerprint and every output exists. */
    public boolean matches(Path stamp, List<Path> outputs) throws IOException {
        if (!Files.isRegularFile(stamp) || outputs.stream().anyMatch(p -> !Files.exists(p))) {
            return false;
        }
        return Files.readString(stamp, StandardCharsets.UTF_8).strip().equals(value());
    }

    public void record(Path stamp) throws IOException {
        Files.createDirectories(stamp.getParent());
        Files.writeString(stamp, value() + "\n", StandardCharsets.UTF_8);
    }
}
