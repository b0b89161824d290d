package io.clusterimage.image;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the previous build put into its OCI archive, layer by layer, keyed by the layer's inputs: so that a
 * rebuild takes a layer whose inputs did not change (the registry layer, hundreds of megabytes, when only a
 * manifest was edited) from the previous archive as a byte range, without reading, compressing or hashing its
 * files again.
 *
 * <p>The key of a layer is a hash of everything its bytes depend on: the compression, the entries' time, and
 * per entry its path, type, mode, owner, link target and size, and for a file the identity of its content on
 * disk — device, inode, change time and modification time (nanoseconds). Writing to a file changes its change
 * time, which no program can set back, so an edited file is noticed even when its size and mtime are kept. A file
 * with several hard links (a registry tree's blob, linked from the shared blob cache) leaves its change time out:
 * another project's save linking the same blob changes it, and such a blob is content-addressed, never edited.
 *
 * <p>A memo belongs to one archive file: it records the archive's size, modification time and inode, and is
 * ignored when the file is not that one any more (rebuilt, copied over, edited). Before a range is copied,
 * the tar header in front of it is checked to name that blob and size.
 */
final class LayerMemo {

    private static final int VERSION = 1;

    /** A layer as the archive holds it: its blob's digest and size, its diff_id, and where its bytes start. */
    record Entry(String digest, long size, String diffId, String mediaType, long offset) {
    }

    private final Map<String, Entry> layers;
    /** The time every entry of the archive carries (its tar headers depend on it), or -1 when unknown. */
    private final long mtime;

    private LayerMemo(Map<String, Entry> layers, long mtime) {
        this.layers = layers;
        this.mtime = mtime;
    }

    static LayerMemo empty(long mtime) {
        return new LayerMemo(new TreeMap<>(), mtime);
    }

    static LayerMemo empty() {
        return empty(-1);
    }

    /** The key of a layer that is a blob already (a base image's): its digest is all its bytes depend on. */
    static String blobKey(String digest) {
        return "blob " + digest;
    }

    long mtime() {
        return mtime;
    }

    /** The entries with their keys in the order their bytes lie in the archive. */
    List<Map.Entry<String, Entry>> inArchiveOrder() {
        return layers.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getValue().offset())).toList();
    }

    /**
     * The key of a layer of {@code entries}; null when the file system cannot say what a file's identity is
     * (then nothing is reused).
     */
    static String key(List<FileEntry> entries, long mtimeSeconds, LayerCompression compression) throws IOException {
        MessageDigest digest = Digests.sha256();
        update(digest, "layer-memo " + VERSION + " " + compression.name() + " " + compression.mediaType() + " " + mtimeSeconds);
        for (FileEntry entry : entries) {
            update(digest, entry.type() + "\0" + entry.path() + "\0" + entry.mode() + "\0" + entry.uid() + "\0" + entry.gid()
                    + "\0" + entry.link() + "\0" + entry.size());
            if (entry.type() == FileEntry.Type.FILE) {
                Map<String, Object> attributes;
                try {
                    attributes = Files.readAttributes(entry.source(), "unix:dev,ino,nlink,ctime,lastModifiedTime,size",
                            LinkOption.NOFOLLOW_LINKS);
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    return null;
                }
                // a file with several links is a registry blob shared with the blob cache: another build linking it
                // changes its ctime, not its bytes (content-addressed, never written in place)
                Object changed = ((Number) attributes.get("nlink")).intValue() > 1 ? "linked" : nanos(attributes.get("ctime"));
                update(digest, "\0" + attributes.get("dev") + ":" + attributes.get("ino") + ":" + changed + ":"
                        + nanos(attributes.get("lastModifiedTime")) + ":" + attributes.get("size"));
            }
        }
        return Digests.format(digest);
    }

    private static long nanos(Object time) {
        Instant instant = ((FileTime) time).toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
    }

    /** The memo of {@code archive}, or an empty one when there is none, it is damaged, or it is another archive's. */
    static LayerMemo load(Path memoFile, Path archive) {
        try {
            if (!Files.isRegularFile(memoFile) || !Files.isRegularFile(archive) || Files.size(memoFile) > 16L * 1024 * 1024) {
                return empty();
            }
            JsonTree root = JsonTree.read(memoFile);
            if (root.path("version").asInt() != VERSION || !identity(archive).equals(root.path("archive").asText())) {
                return empty();
            }
            Map<String, Entry> layers = new TreeMap<>();
            long mtime = root.path("mtime").asLong(-1);
            for (Map.Entry<String, JsonTree> field : root.path("layers").fields().entrySet()) {
                JsonTree layer = field.getValue();
                layers.put(field.getKey(), new Entry(layer.path("digest").asText(), layer.path("size").asLong(), layer.path("diffId").asText(),
                        layer.path("mediaType").asText(), layer.path("offset").asLong()));
            }
            return new LayerMemo(layers, mtime);
        } catch (IOException | RuntimeException e) {
            return empty(); // a memo is only ever a shortcut: without it, the layer is built
        }
    }

    Optional<Entry> find(String key) {
        return Optional.ofNullable(layers.get(key));
    }

    void put(String key, Entry entry) {
        layers.put(key, entry);
    }

    /** Writes the memo of {@code archive} (the archive as it now is on disk). */
    void save(Path memoFile, Path archive) throws IOException {
        JsonObject root = new JsonObject();
        root.put("version", VERSION);
        root.put("archive", identity(archive));
        root.put("mtime", mtime);
        JsonObject entries = root.putObject("layers");
        layers.forEach((key, entry) -> entries.putObject(key).field("digest", entry.digest()).field("size", entry.size())
                .field("diffId", entry.diffId()).field("mediaType", entry.mediaType()).field("offset", entry.offset()));
        Files.createDirectories(memoFile.toAbsolutePath().getParent());
        AtomicFiles.write(memoFile, JsonWriter.compact(root));
    }

    /** Which file the archive is: size, modification time and inode (a rebuilt or copied archive is another file). */
    private static String identity(Path archive) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(archive, "unix:ino,lastModifiedTime,size");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            attributes = Map.of("ino", "?", "lastModifiedTime", Files.getLastModifiedTime(archive), "size", Files.size(archive));
        }
        return attributes.get("size") + ":" + nanos(attributes.get("lastModifiedTime")) + ":" + attributes.get("ino");
    }
}
