package io.clusterimage.image;

import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The archive an earlier build left where an {@link OciArchive} is going, as its {@link LayerMemo} describes
 * it: which of its leading layers a rebuild keeps in place, which others it copies from it as byte ranges,
 * and — while it is being extended in place — its tail, kept aside so that a failed build puts it back.
 *
 * <p>Apart from {@link OciArchive} because it is the other file: one written by another build, trusted only
 * as far as the tar header in front of each range agrees with the memo, and the one thing a failed build
 * must leave as it found it. OciArchive decides what goes into the new archive; this says what the old
 * one can give and undoes what was done to it.
 */
final class PreviousArchive {

    /** Where the first blob's bytes start: after the two directory entries and the blob's own header. */
    private static final long FIRST_BLOB = 3L * OciArchive.BLOCK;

    private final Path target;
    private final Path memoFile;
    /** The previous build's layers (empty without a memo file). */
    private final LayerMemo memo;
    /** When the previous archive is being extended in place: the length it had and its tail, kept to undo. */
    private long keptLength = -1;
    private Path keptTail;
    /** Where the archive was cut: the kept tail's first byte was the archive's byte at this offset. */
    private long cutAt;
    /**
     * What a layer is copied from, opened when one first is: the previous archive, or once it is being extended
     * in place (moved, cut), the tail kept aside — the layers after the cut are there now, {@link #cutAt} earlier.
     */
    private FileChannel reader;
    private long readerStart;

    PreviousArchive(Path target, Path memoFile) {
        this.target = target;
        this.memoFile = memoFile;
        this.memo = memoFile == null ? LayerMemo.empty() : LayerMemo.load(memoFile, target);
    }

    /**
     * The previous archive's leading layers when this build starts with the same ones ({@code keys}, in the
     * order they will come), each checked against the tar header in front of it; empty when there are none,
     * or its entries carry another time than {@code mtime} (then every header differs).
     */
    List<Map.Entry<String, LayerMemo.Entry>> leadingLayers(List<String> keys, long mtime) throws IOException {
        if (memo.mtime() != mtime) {
            return List.of();
        }
        List<Map.Entry<String, LayerMemo.Entry>> old = memo.inArchiveOrder();
        int kept = 0;
        long expected = FIRST_BLOB;
        Map<String, Integer> seen = new HashMap<>();
        for (String key : keys) {
            if (key == null || kept >= old.size() || !key.equals(old.get(kept).getKey()) || old.get(kept).getValue().offset() != expected) {
                break;
            }
            if (seen.put(key, kept) != null) {
                continue; // a layer two platforms share: stored once, at its first place
            }
            LayerMemo.Entry entry = old.get(kept).getValue();
            expected = entry.offset() + entry.size() + TarWriter.padding(entry.size()) + OciArchive.BLOCK;
            kept++;
        }
        if (kept == 0) {
            return List.of();
        }
        try (FileChannel check = FileChannel.open(target, StandardOpenOption.READ)) {
            for (int i = 0; i < kept; i++) {
                LayerMemo.Entry entry = old.get(i).getValue();
                if (!holds(check, entry.offset(), entry, Digests.hex(entry.digest()))) {
                    return List.of();
                }
            }
        }
        return old.subList(0, kept);
    }

    /**
     * Moves the previous archive to {@code temp}, to be written on as the new one, and opens it there. From
     * here on a failed build puts it back ({@link #restore}).
     */
    FileChannel moveTo(Path temp) throws IOException {
        Path tail = Files.createTempFile(temp.getParent(), "." + target.getFileName(), ".tail.partial");
        Files.move(target, temp, StandardCopyOption.ATOMIC_MOVE);
        keptLength = Files.size(temp);
        keptTail = tail;
        return FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Cuts the archive moved to {@code channel} after the {@code kept} layers and positions it there; its tail
     * (small: the smaller layers and the documents) is kept aside to undo.
     */
    void cutAfter(List<Map.Entry<String, LayerMemo.Entry>> kept, FileChannel channel) throws IOException {
        LayerMemo.Entry last = kept.get(kept.size() - 1).getValue();
        long length = last.offset() + last.size() + TarWriter.padding(last.size());
        try (FileChannel tailCopy = FileChannel.open(keptTail, StandardOpenOption.WRITE)) {
            for (long at = length; at < keptLength; ) {
                at += channel.transferTo(at, keptLength - at, tailCopy);
            }
        }
        channel.truncate(length);
        channel.position(length);
        cutAt = length;
    }

    /** Whether the archive is being extended in place (then a build that fails {@link #restore}s it). */
    boolean extended() {
        return keptTail != null;
    }

    Optional<LayerMemo.Entry> find(String key) {
        return memo.find(key);
    }

    /** Whether the previous archive holds that layer's blob where the memo says. */
    boolean holds(LayerMemo.Entry entry, String hex) throws IOException {
        if (reader == null) {
            reader = FileChannel.open(extended() ? keptTail : target, StandardOpenOption.READ);
            readerStart = extended() ? cutAt : 0;
        }
        return holds(reader, entry.offset() - readerStart, entry, hex);
    }

    /** Copies the layer's bytes ({@link #holds} said they are there) to where {@code channel} is. */
    void copyTo(LayerMemo.Entry entry, FileChannel channel) throws IOException {
        // the kernel copies the range from the old archive into the new one
        for (long copied = 0; copied < entry.size(); ) {
            long n = reader.transferTo(entry.offset() - readerStart + copied, entry.size() - copied, channel);
            if (n <= 0) {
                throw new IOException(target + " ended inside the layer " + entry.digest() + " it held at the last build");
            }
            copied += n;
        }
    }

    /**
     * Whether the tar header in front of the entry's range names that blob with that size; {@code offset}: where
     * the entry's bytes start in {@code archive} (the archive itself, or its kept tail).
     */
    private static boolean holds(FileChannel archive, long offset, LayerMemo.Entry entry, String hex) throws IOException {
        if (offset < OciArchive.BLOCK || offset + entry.size() > archive.size()) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(OciArchive.BLOCK);
        while (header.hasRemaining()) {
            if (archive.read(header, offset - OciArchive.BLOCK + header.position()) < 0) {
                return false;
            }
        }
        byte[] expected = TarWriter.fileHeader(OciArchive.BLOB_DIRECTORY + hex, 0644, 0, 0, 0, entry.size());
        // name (0..100) and size (124..136) must match; the time may differ (another outputTimestamp)
        return Arrays.equals(header.array(), 0, 100, expected, 0, 100)
                && Arrays.equals(header.array(), 124, 136, expected, 124, 136);
    }

    void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    /** The new archive is at the target: the tail kept to undo goes, and {@code current} is its memo. */
    void replacedBy(LayerMemo current) throws IOException {
        if (keptTail != null) {
            Files.deleteIfExists(keptTail);
        }
        if (memoFile != null) {
            current.save(memoFile, target);
        }
    }

    /**
     * Puts the previous archive back as it was, from {@code temp} being written through {@code channel}: cut
     * where this build began to write, its tail appended again.
     */
    void restore(FileChannel channel, Path temp) throws IOException {
        try {
            long cut = keptLength - Files.size(keptTail);
            channel.truncate(cut);
            channel.position(cut);
            try (FileChannel tail = FileChannel.open(keptTail, StandardOpenOption.READ)) {
                for (long at = 0; at < tail.size(); ) {
                    at += tail.transferTo(at, tail.size() - at, channel);
                }
            }
            channel.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            memo.save(memoFile, target); // the same bytes again: the memo describes them still
        } finally {
            channel.close();
            Files.deleteIfExists(keptTail);
            Files.deleteIfExists(temp);
        }
    }
}
