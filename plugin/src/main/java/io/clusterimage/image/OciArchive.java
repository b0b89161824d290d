package io.clusterimage.image;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonWriter;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.Digests;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An OCI archive (a tar of an OCI image layout: {@code blobs/sha256/...}, {@code index.json},
 * {@code oci-layout}) written in one pass while the image is built: each layer streams straight into
 * its tar entry, behind a header block that is filled in (name = digest, size) once the layer is
 * complete. The registry layer — hundreds of megabytes — is thus read once, hashed once and written
 * once, and no second copy of it is left in {@code target/}.
 *
 * <p>Entries come in a fixed order — the layers largest first (what changes least leads: base image layers,
 * the registry), then every config and manifest, the index, {@code index.json} and {@code oci-layout} — with
 * fixed owners, modes
 * and times: the same image gives the same archive bytes. The image's attachments (its signature) go just
 * before index.json, whose one entry stays the image. A blob the archive holds already (a layer
 * several platforms share) is cut off again, so each blob is stored once.
 *
 * <p>The archive is written next to its target under a temporary name and renamed over it by
 * {@link #finish}; closing an unfinished archive deletes it, so a failed build leaves the previous
 * output as it was. With a layer memo, a rebuild whose leading layers did not change extends the previous
 * archive in place instead ({@link #plan}), keeping its tail aside to put it back if the build fails;
 * other unchanged layers are copied from it as byte ranges ({@link #reuse}). What the previous archive can
 * give, and how it is put back, is {@link PreviousArchive}'s.
 */
public final class OciArchive implements ReusingOutput {

    static final int BLOCK = 512;
    static final String BLOB_DIRECTORY = "blobs/sha256/";

    private final Path target;
    private final Path temp;
    private FileChannel channel;
    private OutputStream out;
    private final long mtime;
    /** Blobs in the archive (hex) and where each one's bytes start. */
    private final Map<String, Long> blobs = new HashMap<>();
    /** What the previous build left at the target, and this build's layers, saved by {@link #finish}. */
    private final PreviousArchive previous;
    private final LayerMemo current;
    private int reusedLayers;
    private long reusedBytes;
    private boolean writingBlob;
    private boolean finished;
    /** A docker-archive ({@code docker load}): the same blobs, then {@code manifest.json} instead of the OCI documents. */
    private final boolean docker;

    private OciArchive(Path target, Path temp, FileChannel channel, long mtime, Path memoFile, boolean docker) {
        this.docker = docker;
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.previous = new PreviousArchive(target, memoFile);
        this.current = LayerMemo.empty(mtime);
        // as large as the chunks TarWriter copies file content in: a chunk then bypasses the buffer
        // (no extra copy of the registry's hundreds of megabytes), headers and small files gather in it
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), TarWriter.COPY_BUFFER);
        this.mtime = mtime;
    }

    /**
     * Deletes the unfinished archives of builds that were killed while writing {@code target}
     * ({@code .<name>*.partial} next to it). Only for a caller that knows no build is writing it now
     * (one holding the project's {@link io.clusterimage.core.OutputLock}).
     */
    public static void removeLeftovers(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            return;
        }
        String prefix = "." + target.getFileName();
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path sibling : siblings.toList()) {
                String name = sibling.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".partial") && Files.isRegularFile(sibling, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(sibling);
                }
            }
        }
    }

    /** Starts an archive that {@link #finish} will put at {@code target}; every entry gets {@code time}. */
    public static OciArchive create(Path target, Instant time) throws IOException {
        return create(target, time, null);
    }

    /**
     * {@link #create(Path, Instant)} that takes the layers whose inputs did not change from the archive now at
     * {@code target}, as {@code memoFile} (written by the build that made it) describes them; {@link #finish}
     * writes the memo of the new archive there.
     */
    public static OciArchive create(Path target, Instant time, Path memoFile) throws IOException {
        return create(target, time, memoFile, false);
    }

    /**
     * A docker-archive, as {@code docker save} writes one with Docker 25 and later: the layers and the config under
     * {@code blobs/sha256/} as in an OCI archive (so the same reuse applies), then {@code manifest.json}. One
     * platform and no attachments: {@link #finish} refuses others.
     */
    public static OciArchive createDocker(Path target, Instant time, Path memoFile) throws IOException {
        return create(target, time, memoFile, true);
    }

    private static OciArchive create(Path target, Instant time, Path memoFile, boolean docker) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".partial");
        // no TRUNCATE_EXISTING (the file is new and empty): on ext4 a truncation to zero makes close()
        // write the whole file out at once (its auto_da_alloc heuristic) — 0.3 s for half a gigabyte
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        OciArchive archive = new OciArchive(target, temp, channel, time.getEpochSecond(), memoFile, docker);
        try {
            TarWriter directories = new TarWriter(archive.out);
            directories.directory("blobs", 0755, 0, 0, archive.mtime);
            directories.directory("blobs/sha256", 0755, 0, 0, archive.mtime);
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
        return archive;
    }

    @Override
    public NewBlob begin() throws IOException {
        if (writingBlob) {
            throw new IllegalStateException("one blob at a time: the previous one is not committed");
        }
        out.flush();
        long start = channel.position();
        out.write(new byte[BLOCK]); // the header's place, filled in by commit
        writingBlob = true;
        OutputStream content = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the archive's stream stays open for the entries after this one
            }
        };
        return new NewBlob() {
            private boolean done;

            @Override
            public OutputStream out() {
                return content;
            }

            @Override
            public Path commit(String digest, long size) throws IOException {
                out.flush();
                long written = channel.position() - start - BLOCK;
                if (written != size) {
                    throw new IOException("blob " + digest + ": " + written + " bytes in the archive, " + size + " expected");
                }
                done = true;
                writingBlob = false;
                String hex = Digests.hex(digest);
                if (blobs.putIfAbsent(hex, start + BLOCK) != null) {
                    cutOff(start); // stored already (a layer two platforms share)
                    return null;
                }
                channel.write(ByteBuffer.wrap(TarWriter.fileHeader(BLOB_DIRECTORY + hex, 0644, 0, 0, mtime, size)), start);
                out.write(new byte[TarWriter.padding(size)]);
                return null;
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    done = true;
                    writingBlob = false;
                    out.flush();
                    cutOff(start);
                }
            }
        };
    }

    private void cutOff(long start) throws IOException {
        channel.truncate(start);
        channel.position(start);
    }

    @Override
    public Path add(String digest, Path file) throws IOException {
        if (writingBlob) {
            throw new IllegalStateException("one blob at a time: the previous one is not committed");
        }
        String hex = Digests.hex(digest);
        if (blobs.containsKey(hex)) {
            return null;
        }
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = source.size();
            out.write(TarWriter.fileHeader(BLOB_DIRECTORY + hex, 0644, 0, 0, mtime, size));
            out.flush();
            blobs.put(hex, channel.position());
            current.put(LayerMemo.blobKey(digest), new LayerMemo.Entry(digest, size, "", "", channel.position()));
            // the kernel copies file to file (no trip through the JVM's heap)
            for (long position = 0; position < size; ) {
                long copied = source.transferTo(position, size - position, channel);
                if (copied <= 0 && source.size() < size) {
                    throw new IOException(file + " shrank while it was being copied into the archive");
                }
                position += copied;
            }
            out.write(new byte[TarWriter.padding(size)]);
        }
        return null;
    }

    /**
     * Keeps the previous archive's leading layers where they are when this build starts with the same ones
     * (the archive is ordered largest first, so the registry and base image layers lead): the previous archive
     * becomes this one's file, cut after them, and the rest is written after them — nothing of the kept layers
     * is read or written. Its tail is kept aside until {@link #finish}, so that a build that fails puts the
     * previous archive back as it was.
     */
    @Override
    public void plan(List<String> keys) throws IOException {
        if (!blobs.isEmpty() || keys.isEmpty()) {
            return; // something written already
        }
        List<Map.Entry<String, LayerMemo.Entry>> kept = previous.leadingLayers(keys, mtime);
        if (kept.isEmpty()) {
            return;
        }
        // the previous archive becomes the file being written, cut after the kept layers
        channel.close();
        Files.delete(temp);
        channel = previous.moveTo(temp);
        previous.cutAfter(kept, channel);
        out = new BufferedOutputStream(Channels.newOutputStream(channel), TarWriter.COPY_BUFFER);
        for (Map.Entry<String, LayerMemo.Entry> layer : kept) {
            LayerMemo.Entry entry = layer.getValue();
            blobs.put(Digests.hex(entry.digest()), entry.offset());
            current.put(layer.getKey(), entry);
            reusedLayers++;
            reusedBytes += entry.size();
        }
    }

    @Override
    public Optional<Layer> reuse(String key, String createdBy) throws IOException {
        if (writingBlob) {
            throw new IllegalStateException("one blob at a time: the previous one is not committed");
        }
        Optional<LayerMemo.Entry> kept = current.find(key);
        if (kept.isPresent() && blobs.containsKey(Digests.hex(kept.get().digest()))) {
            // in the archive already: kept in place, or written for another platform moments ago
            LayerMemo.Entry entry = kept.get();
            return Optional.of(new Layer(null, entry.digest(), entry.size(), entry.diffId(), entry.mediaType(), createdBy));
        }
        Optional<LayerMemo.Entry> found = previous.find(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LayerMemo.Entry entry = found.get();
        String hex = Digests.hex(entry.digest());
        if (!blobs.containsKey(hex)) {
            if (!previous.holds(entry, hex)) {
                return Optional.empty();
            }
            out.write(TarWriter.fileHeader(BLOB_DIRECTORY + hex, 0644, 0, 0, mtime, entry.size()));
            out.flush();
            blobs.put(hex, channel.position());
            previous.copyTo(entry, channel);
            out.write(new byte[TarWriter.padding(entry.size())]);
            reusedLayers++;
            reusedBytes += entry.size();
        }
        current.put(key, new LayerMemo.Entry(entry.digest(), entry.size(), entry.diffId(), entry.mediaType(), blobs.get(hex)));
        return Optional.of(new Layer(null, entry.digest(), entry.size(), entry.diffId(), entry.mediaType(), createdBy));
    }

    @Override
    public void remember(String key, Layer layer) {
        Long offset = blobs.get(Digests.hex(layer.digest()));
        if (offset != null) {
            current.put(key, new LayerMemo.Entry(layer.digest(), layer.size(), layer.diffId(), layer.mediaType(), offset));
        }
    }

    /** Layers this archive took from the previous one, and their bytes. */
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
        return "the previous archive";
    }

    private void addBytes(String name, byte[] content) throws IOException {
        out.write(TarWriter.fileHeader(name, 0644, 0, 0, mtime, content.length));
        out.write(content);
        out.write(new byte[TarWriter.padding(content.length)]);
    }

    private void addBlob(byte[] content) throws IOException {
        String hex = Digests.hex(Digests.of(content));
        if (!blobs.containsKey(hex)) {
            out.flush();
            blobs.put(hex, channel.position() + BLOCK);
            addBytes(BLOB_DIRECTORY + hex, content);
        }
    }

    /**
     * Adds the image's configs, manifests and index, {@code index.json} and {@code oci-layout}, ends the
     * tar and puts the archive at its target. The image's layers must have gone into this archive.
     */
    public void finish(BuiltImage image, String refName) throws IOException {
        finish(image, refName, List.of());
    }

    /**
     * {@link #finish(BuiltImage, String)} with {@code attachments} (the image's signature) stored beside the
     * image: their blobs, and the index of them that index.json's annotation names ({@link Attachments}).
     */
    @Override
    public void finish(BuiltImage image, String refName, List<Attachments.Attachment> attachments) throws IOException {
        if (writingBlob) {
            throw new IllegalStateException("a blob is still being written");
        }
        if (docker) {
            finishDocker(image, refName, attachments);
            return;
        }
        for (PlatformImage platform : image.platforms()) {
            requireLayersStored(platform);
            addBlob(platform.config());
            addBlob(platform.manifest());
        }
        if (image.index() != null) {
            addBlob(image.index());
        }
        String attachmentIndex = null;
        if (!attachments.isEmpty()) {
            for (Attachments.Attachment attachment : attachments) {
                for (byte[] blob : attachment.blobs()) {
                    addBlob(blob);
                }
                addBlob(attachment.manifest());
            }
            byte[] index = Attachments.index(attachments);
            addBlob(index);
            attachmentIndex = Digests.of(index);
        }
        addBytes("index.json", indexJson(image, refName, attachmentIndex));
        addBytes("oci-layout", layoutFile());
        end();
    }

    /**
     * @throws IllegalArgumentException for several platforms or attachments, which a docker-archive cannot hold (the
     *                                  archive is then not finished: closing it leaves the previous output)
     */
    private void finishDocker(BuiltImage image, String refName, List<Attachments.Attachment> attachments) throws IOException {
        if (!attachments.isEmpty()) {
            throw new IllegalArgumentException("a docker-archive has no place for the image's signature; write an oci-archive or"
                    + " oci-dir, or do not sign");
        }
        if (image.platforms().size() != 1) {
            throw new IllegalArgumentException("a docker-archive holds one platform; build one platform, or use oci-archive for "
                    + image.platforms().size());
        }
        PlatformImage single = image.platforms().get(0);
        requireLayersStored(single);
        JsonArray layers = new JsonArray();
        for (Layer layer : single.layers()) {
            layers.add(BLOB_DIRECTORY + Digests.hex(layer.digest()));
        }
        addBlob(single.config());
        JsonObject entry = new JsonObject();
        entry.put("Config", BLOB_DIRECTORY + Digests.hex(single.configDigest()));
        JsonArray tags = entry.putArray("RepoTags");
        if (refName != null && !refName.isBlank()) {
            tags.add(refName);
        }
        entry.put("Layers", layers);
        addBytes("manifest.json", JsonWriter.compact(List.of(entry)));
        end();
    }

    /** The image's layers must have gone into this archive before its documents are written. */
    private void requireLayersStored(PlatformImage platform) {
        for (Layer layer : platform.layers()) {
            if (!blobs.containsKey(Digests.hex(layer.digest()))) {
                throw new IllegalStateException("layer " + layer.digest() + " of " + platform.platform() + " is not in the archive");
            }
        }
    }

    /** Ends the tar and puts the archive at its target. */
    private void end() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
        channel.close();
        AtomicFiles.makeReadable(temp);
        previous.closeReader();
        AtomicFiles.replace(temp, target);
        finished = true;
        previous.replacedBy(current);
    }

    /** Closes the archive; one that was not finished is deleted. */
    @Override
    public void close() throws IOException {
        previous.closeReader();
        if (finished) {
            return;
        }
        if (previous.extended()) {
            previous.restore(channel, temp);
            return;
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The {@code oci-layout} file of an OCI image layout. */
    static byte[] layoutFile() {
        return "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The {@code index.json} of an OCI image layout holding {@code image}, named {@code refName}; its one entry
     * is the image, the index of the image's attachments (when there are any) is named by its annotation.
     */
    static byte[] indexJson(BuiltImage image, String refName, String attachmentIndex) throws IOException {
        JsonObject index = new JsonObject();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        JsonObject entry = index.putArray("manifests").addObject();
        if (image.index() != null) {
            entry.put("mediaType", "application/vnd.oci.image.index.v1+json");
            entry.put("digest", image.digest());
            entry.put("size", image.index().length);
        } else {
            image.platforms().get(0).describeManifest(entry);
        }
        if (refName != null && !refName.isBlank()) {
            entry.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        }
        if (attachmentIndex != null) {
            index.putObject("annotations").put(Attachments.ANNOTATION, attachmentIndex);
        }
        return JsonWriter.compact(index);
    }
}
