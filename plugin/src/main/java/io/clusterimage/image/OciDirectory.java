package io.clusterimage.image;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.PathTrees;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An OCI image layout directory written while the image is built: each layer goes straight to
 * {@code blobs/sha256/} of a staging directory beside the target, and a layer whose inputs did not change
 * since the last build (its {@link LayerMemo} key) is a hard link to the previous directory's blob — neither
 * built nor hashed nor copied again. {@link #finish} adds the configs, manifests and index and puts the staging
 * directory in the target's place; closing an unfinished one deletes it and leaves the previous directory as
 * it was.
 *
 * <p>The memo belongs to one directory: it records the identity (size, time, inode) of the directory's
 * {@code index.json}, which is written last, and is not used for any other. A blob is taken over only when its
 * file is there, regular, and of the size the memo says (the same trust as the archive's tar header check).
 */
public final class OciDirectory implements ReusingOutput {

    private final Path target;
    private final Path staging;
    private final Path blobs;
    /** The layers built now, written as blobs/sha256/<hex>. */
    private final DirectoryBlobSink files;
    private final Path memoFile;
    private final LayerMemo previous;
    private final LayerMemo current = LayerMemo.empty();
    private int reusedLayers;
    private long reusedBytes;
    private boolean finished;

    private OciDirectory(Path target, Path memoFile) throws IOException {
        this.target = target;
        this.staging = target.resolveSibling(target.getFileName() + ".partial");
        this.blobs = staging.resolve("blobs/sha256");
        this.files = new DirectoryBlobSink(blobs);
        this.memoFile = memoFile;
        this.previous = memoFile == null ? LayerMemo.empty() : LayerMemo.load(memoFile, target.resolve("index.json"));
        PathTrees.deleteTree(staging); // a killed build's
        Files.createDirectories(blobs);
    }

    /** Starts a layout that {@link #finish} puts at {@code target}, taking unchanged layers from the one there. */
    public static OciDirectory create(Path target, Path memoFile) throws IOException {
        return new OciDirectory(target.toAbsolutePath(), memoFile);
    }

    @Override
    public NewBlob begin() throws IOException {
        return files.begin();
    }

    @Override
    public Path add(String digest, Path file) throws IOException {
        Path placed = place(digest, file);
        current.put(LayerMemo.blobKey(digest), new LayerMemo.Entry(digest, Files.size(placed), "", "", 0));
        return placed;
    }

    @Override
    public Optional<Layer> reuse(String key, String createdBy) throws IOException {
        Optional<LayerMemo.Entry> found = previous.find(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LayerMemo.Entry entry = found.get();
        Path placed = blobs.resolve(Digests.hex(entry.digest()));
        if (!Files.exists(placed, LinkOption.NOFOLLOW_LINKS)) { // else placed moments ago, for another platform
            Path old = target.resolve("blobs/sha256").resolve(Digests.hex(entry.digest()));
            if (!Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS) || Files.size(old) != entry.size()) {
                return Optional.empty();
            }
            place(entry.digest(), old);
            reusedLayers++;
            reusedBytes += entry.size();
        }
        current.put(key, entry);
        return Optional.of(new Layer(placed, entry.digest(), entry.size(), entry.diffId(), entry.mediaType(), createdBy));
    }

    @Override
    public void remember(String key, Layer layer) {
        current.put(key, new LayerMemo.Entry(layer.digest(), layer.size(), layer.diffId(), layer.mediaType(), 0));
    }

    /** The blob {@code file} as {@code blobs/sha256/<hex>} of the new layout: a hard link, or a copy across file systems. */
    private Path place(String digest, Path file) throws IOException {
        Path placed = blobs.resolve(Digests.hex(digest));
        if (Files.exists(placed, LinkOption.NOFOLLOW_LINKS)) {
            return placed;
        }
        try {
            Files.createLink(placed, file);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Path temp = Files.createTempFile(blobs, ".blob", ".partial");
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.makeReadable(temp);
            Files.move(temp, placed, StandardCopyOption.ATOMIC_MOVE);
        }
        return placed;
    }

    /** Layers this layout took from the previous one, and their bytes. */
    @Override
    public int reusedLayers() {
        return reusedLayers;
    }

    @Override
    public long reusedBytes() {
        return reusedBytes;
    }

    @Override
    public String reusedFrom() {
        return "the previous directory (hard links)";
    }

    /**
     * Adds the image's configs, manifests and index, {@code attachments} (its signature, its SBOM),
     * {@code index.json} and {@code oci-layout}, and puts the layout at its target.
     */
    @Override
    public void finish(BuiltImage image, String refName, List<Attachments.Attachment> attachments) throws IOException {
        TreeMap<String, OciArchiveWriter.BlobContent> layout = OciArchiveWriter.ociLayout(image, refName, attachments);
        for (Map.Entry<String, OciArchiveWriter.BlobContent> file : layout.entrySet()) {
            Path path = staging.resolve(file.getKey());
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                continue; // a layer, placed while building
            }
            Files.createDirectories(path.getParent());
            try (InputStream in = file.getValue().open()) {
                Files.copy(in, path);
            }
            AtomicFiles.makeReadable(path);
        }
        PathTrees.deleteTree(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        finished = true;
        if (memoFile != null) {
            current.save(memoFile, target.resolve("index.json"));
        }
    }

    /** Deletes the staging directory of an unfinished layout; the previous one stays as it was. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            PathTrees.deleteTree(staging);
        }
    }
}
