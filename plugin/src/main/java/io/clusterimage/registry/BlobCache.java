package io.clusterimage.registry;

import io.clusterimage.core.UserCache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A content-addressed cache shared by all builds of the user ({@code ~/.cache/cluster-image} by
 * default): blobs and manifests by digest, and the last digest seen for each tag (for offline builds).
 *
 * <p>Safe for several builds at once: files are only ever created by an atomic rename of a complete,
 * verified temporary file, and a digest's content never changes.
 */
public final class BlobCache {

    private final Path root;
    private final Path blobs;
    private final Path tags;
    private final Path incoming;

    public BlobCache(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.blobs = this.root.resolve("blobs/sha256");
        this.tags = this.root.resolve("tags");
        this.incoming = this.root.resolve("incoming");
        Files.createDirectories(blobs);
        Files.createDirectories(tags);
        Files.createDirectories(incoming);
        removeAbandonedDownloads();
    }

    /**
     * How old an unfinished download must be to count as abandoned (its build was killed): a download
     * under way writes to its file all the time, and gives up after its timeouts, long before this.
     */
    static final Duration ABANDONED_AFTER = Duration.ofHours(6);

    /** Deletes what killed builds left in incoming/; best effort, another build may be doing the same. */
    private void removeAbandonedDownloads() {
        FileTime before = FileTime.from(
                Instant.now().minus(ABANDONED_AFTER));
        try (Stream<Path> files = Files.list(incoming)) {
            for (Path file : files.toList()) {
                try {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(file).compareTo(before) < 0) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException e) {
                    // gone already, or not ours to delete: leave it
                }
            }
        } catch (IOException e) {
            // an unreadable incoming/ only costs disk space
        }
    }

    public static Path defaultLocation() {
        return UserCache.defaultLocation();
    }

    public Path root() {
        return root;
    }

    public Path blobPath(String digest) {
        String hex = Digests.hex(digest);
        return blobs.resolve(hex.substring(0, 2)).resolve(hex);
    }

    public Optional<Path> blob(String digest) {
        Path path = blobPath(digest);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    public Path newTempFile() throws IOException {
        return Files.createTempFile(incoming, "blob", ".tmp");
    }

    /** Adds a verified temporary file as {@code digest}; returns the cached file. */
    public Path commit(Path verifiedTemp, String digest) throws IOException {
        Path target = blobPath(digest);
        Files.createDirectories(target.getParent());
        if (Files.isRegularFile(target)) {
            Files.deleteIfExists(verifiedTemp);
            return target;
        }
        try {
            Files.move(verifiedTemp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(verifiedTemp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    public Path putBytes(String digest, byte[] content) throws IOException {
        Optional<Path> existing = blob(digest);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path temp = newTempFile();
        Files.write(temp, content);
        return commit(temp, digest);
    }

    /** Remembers that {@code host/repository:tag} resolved to {@code digest} (with its media type). */
    public void rememberTag(String host, String repository, String tag, String digest, String mediaType) throws IOException {
        Path file = tagFile(host, repository, tag);
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(digest + "\n" + mediaType + "\n")) {
            return; // unchanged: a warm build writes nothing
        }
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(incoming, "tag", ".tmp");
        Files.writeString(temp, digest + "\n" + mediaType + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The digest and media type last seen for a tag: {@code [digest, mediaType]}. */
    public Optional<String[]> tag(String host, String repository, String tag) throws IOException {
        Path file = tagFile(host, repository, tag);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        return lines.length >= 2 ? Optional.of(new String[] {lines[0], lines[1]}) : Optional.empty();
    }

    private Path tagFile(String host, String repository, String tag) {
        Path file = tags.resolve(host.replace(':', '_')).resolve(repository).resolve(tag).normalize();
        if (!file.startsWith(tags)) {
            throw new IllegalArgumentException("bad repository '" + repository + "'");
        }
        return file;
    }
}
