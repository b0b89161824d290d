package io.clusterimage.registry;

import io.clusterimage.core.PathTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * A docker-distribution filesystem storage tree, written exactly as the registry sealos runs on
 * master0 expects it: {@code docker/registry/v2/blobs/sha256/<2>/<hex>/data}, repository
 * {@code _layers} and {@code _manifests} links holding {@code sha256:<hex>} with no newline.
 *
 * <p>Every file appears complete or not at all: content is written to a temporary file next to the
 * tree (never inside it, so it is never shipped) and renamed into place. A crash leaves at worst a
 * temporary file, which the next run ignores.
 */
public final class DistributionTree {

    private final Path root;
    private final Path v2;
    private final Path incoming;

    /**
     * @param registryDir the {@code registry} directory (what {@code COPY registry} takes)
     */
    public DistributionTree(Path registryDir) throws IOException {
        this.root = registryDir.toAbsolutePath().normalize();
        this.v2 = root.resolve("docker/registry/v2");
        this.incoming = root.resolveSibling("." + root.getFileName() + ".incoming");
        Files.createDirectories(v2);
        Files.createDirectories(incoming);
    }

    /**
     * Deletes a tree and what a killed save left in its incoming directory; a tree is rebuilt from empty
     * so that an image removed from the layout does not linger.
     */
    public static void delete(Path registryDir) throws IOException {
        Path root = registryDir.toAbsolutePath().normalize();
        PathTrees.deleteTree(root);
        PathTrees.deleteTree(root.resolveSibling("." + root.getFileName() + ".incoming"));
    }

    public Path root() {
        return root;
    }

    public Path blobData(String digest) {
        String hex = Digests.hex(digest);
        return v2.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    public boolean hasBlob(String digest) {
        return Files.isRegularFile(blobData(digest));
    }

    /** A fresh temporary file on the same file system as the tree, for atomic moves into it. */
    public Path newTempFile() throws IOException {
        return Files.createTempFile(incoming, "blob", ".tmp");
    }

    /**
     * Puts a verified file into the tree as blob {@code digest}: a hard link when {@code source} is in
     * the same file system and may be shared (the cache), otherwise a copy; either way atomically.
     */
    public void addBlobFrom(Path source, String digest, boolean mayLink) throws IOException {
        Path target = blobData(digest);
        if (Files.isRegularFile(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path temp = incoming.resolve(Digests.hex(digest) + "." + Thread.currentThread().getId() + ".link");
        Files.deleteIfExists(temp);
        boolean linked = false;
        if (mayLink) {
            try {
                Files.createLink(temp, source);
                linked = true;
            } catch (IOException | UnsupportedOperationException e) {
                linked = false; // another file system, or links not allowed: copy instead
            }
        }
        if (!linked) {
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        moveIntoPlace(temp, target);
    }

    /** Moves a verified temporary file into place as blob {@code digest}. */
    public void commitBlob(Path verifiedTemp, String digest) throws IOException {
        Path target = blobData(digest);
        Files.createDirectories(target.getParent());
        moveIntoPlace(verifiedTemp, target);
    }

    public void putBlobBytes(String digest, byte[] content) throws IOException {
        if (hasBlob(digest)) {
            return;
        }
        Path temp = newTempFile();
        Files.write(temp, content);
        commitBlob(temp, digest);
    }

    /** Stores a manifest (or index) as a blob and links it as a revision of {@code repository}. */
    public void putManifest(String repository, String digest, byte[] content) throws IOException {
        putBlobBytes(digest, content);
        writeLink(revisionLink(repository, digest), digest);
    }

    /** Links a layer or config blob into {@code repository}. */
    public void linkLayer(String repository, String digest) throws IOException {
        writeLink(layerLink(repository, digest), digest);
    }

    /** Whether {@code repository} links manifest {@code digest} as a revision (docker-registry serves it by digest then). */
    public boolean hasRevisionLink(String repository, String digest) throws IOException {
        return isLinkTo(revisionLink(repository, digest), digest);
    }

    /** Whether {@code repository} links blob {@code digest} (docker-registry serves a blob only through a repository's link). */
    public boolean hasLayerLink(String repository, String digest) throws IOException {
        return isLinkTo(layerLink(repository, digest), digest);
    }

    private Path revisionLink(String repository, String digest) {
        return repositoryDir(repository).resolve("_manifests/revisions/sha256").resolve(Digests.hex(digest)).resolve("link");
    }

    private Path layerLink(String repository, String digest) {
        return repositoryDir(repository).resolve("_layers/sha256").resolve(Digests.hex(digest)).resolve("link");
    }

    private static boolean isLinkTo(Path link, String digest) throws IOException {
        return Files.isRegularFile(link) && Files.size(link) < 1024
                && Arrays.equals(Files.readAllBytes(link), digest.getBytes(StandardCharsets.US_ASCII));
    }

    /** Points {@code repository:tag} at {@code digest} (after the manifest and its blobs are in place). */
    public void tag(String repository, String tag, String digest) throws IOException {
        Path tagDir = repositoryDir(repository).resolve("_manifests/tags").resolve(tag);
        writeLink(tagDir.resolve("index/sha256").resolve(Digests.hex(digest)).resolve("link"), digest);
        writeLink(tagDir.resolve("current/link"), digest);
    }

    private Path repositoryDir(String repository) {
        Path dir = v2.resolve("repositories").resolve(repository).normalize();
        if (!dir.startsWith(v2.resolve("repositories"))) {
            throw new IllegalArgumentException("repository '" + repository + "' escapes the registry tree");
        }
        return dir;
    }

    private void writeLink(Path link, String digest) throws IOException {
        if (isLinkTo(link, digest)) {
            return;
        }
        byte[] content = digest.getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(link.getParent());
        Path temp = Files.createTempFile(incoming, "link", ".tmp");
        Files.write(temp, content);
        moveIntoPlace(temp, link);
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The manifest {@code repository:tag} names in the tree at {@code registryDir}, read without changing the
     * tree (no directories made); empty when there is no such tag or what it links is not a readable manifest.
     */
    public static Optional<Manifest> taggedManifest(Path registryDir, String repository, String tag) throws IOException {
        Path v2 = registryDir.toAbsolutePath().normalize().resolve("docker/registry/v2");
        Path link = v2.resolve("repositories").resolve(repository).resolve("_manifests/tags").resolve(tag).resolve("current/link").normalize();
        if (!link.startsWith(v2.resolve("repositories")) || !Files.isRegularFile(link) || Files.size(link) > 1024) {
            return Optional.empty();
        }
        return storedManifest(registryDir, Files.readString(link, StandardCharsets.US_ASCII).strip());
    }

    /** The manifest of {@code digest} stored in the tree at {@code registryDir}, read without changing it. */
    public static Optional<Manifest> storedManifest(Path registryDir, String digest) throws IOException {
        if (!Digests.isSha256(digest)) {
            return Optional.empty();
        }
        String hex = Digests.hex(digest);
        Path data = registryDir.toAbsolutePath().normalize().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2))
                .resolve(hex).resolve("data");
        if (!Files.isRegularFile(data) || Files.size(data) > Manifest.MAX_BYTES) {
            return Optional.empty();
        }
        Manifest manifest = Manifest.of(Files.readAllBytes(data), null);
        return manifest.digest().equals(digest) ? Optional.of(manifest) : Optional.empty();
    }

    /** Removes the temporary directory if it is empty (it may hold leftovers of a crashed run). */
    public void close() throws IOException {
        try (var children = Files.list(incoming)) {
            if (children.findAny().isEmpty()) {
                Files.delete(incoming);
            }
        }
    }
}
