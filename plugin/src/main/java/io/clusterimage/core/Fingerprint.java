package io.clusterimage.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A digest of everything a goal's result depends on — parameters and the files it reads (by path,
 * size and modification time, so computing it costs a directory walk, not a read of every byte). A
 * goal whose fingerprint matches the one recorded after its last run, and whose outputs are still
 * there, has nothing to do.
 */
public final class Fingerprint {

    private final MessageDigest digest;

    public Fingerprint(String goal) {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        add("goal", goal);
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
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.filter(p -> !exclude.test(p)).sorted().toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                add(root.relativize(path).toString(), (attributes.isDirectory() ? "d" : attributes.isSymbolicLink() ? "l" : "f")
                        + attributes.size() + "@" + attributes.lastModifiedTime().toMillis());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
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
