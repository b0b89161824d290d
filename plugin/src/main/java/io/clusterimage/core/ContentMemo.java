package io.clusterimage.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SHA-256 of files' content, remembered by the identity of each file on disk — size, modification time to
 * the nanosecond, device and inode — so that a fingerprint by content costs a stat per file, and a read only of
 * a file whose identity changed. A file saved again unchanged by an editor, checked out again by git, or
 * restored from a CI cache has a new identity and the same content: the goals that read it stay up to date.
 *
 * <p>One memo per output directory ({@value #FILE_NAME}), one line per file: {@code <sha256> <tab> <identity>
 * <tab> <absolute path>}. A damaged or missing memo only costs hashing again; it is written (atomically) only
 * when something in it changed, without the files that are gone.
 */
public final class ContentMemo {

    public static final String FILE_NAME = "content.memo";

    private final Path file;
    private final Map<String, String[]> entries;
    private boolean changed;

    private ContentMemo(Path file, Map<String, String[]> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** The memo in {@code directory}; empty when there is none or it cannot be read. */
    public static ContentMemo load(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        Map<String, String[]> entries = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", 3);
                if (fields.length == 3 && fields[0].length() == 64) {
                    entries.put(fields[2], new String[] {fields[0], fields[1]});
                }
            }
        } catch (IOException | RuntimeException e) {
            entries.clear(); // none yet, or unreadable: every file is hashed once more
        }
        return new ContentMemo(file, entries);
    }

    /** The content's SHA-256 (hex) of the regular file {@code path} whose attributes the caller just read. */
    public synchronized String sha256(Path path, BasicFileAttributes attributes) throws IOException {
        String key = path.toAbsolutePath().normalize().toString();
        String identity = identity(attributes);
        String[] known = entries.get(key);
        if (known != null && known[1].equals(identity)) {
            return known[0];
        }
        String hash = Sha256.hex(path);
        if (key.indexOf('\n') < 0 && key.indexOf('\r') < 0) { // a line per file: such a name is hashed every time
            entries.put(key, new String[] {hash, identity});
            changed = true;
        }
        return hash;
    }

    /** Which file it is on disk: size, modification time to the nanosecond, device and inode (also {@link Fingerprint}'s record of an output). */
    static String identity(BasicFileAttributes attributes) {
        Instant time = attributes.lastModifiedTime().toInstant();
        return attributes.size() + "@" + time.getEpochSecond() + "." + time.getNano() + "#" + attributes.fileKey();
    }

    /** Writes the memo when a file was hashed since it was loaded; files that no longer exist are left out. */
    public synchronized void save() throws IOException {
        if (!changed) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String[]> entry : entries.entrySet()) {
            if (Files.exists(Path.of(entry.getKey()), LinkOption.NOFOLLOW_LINKS)) {
                text.append(entry.getValue()[0]).append('\t').append(entry.getValue()[1]).append('\t').append(entry.getKey()).append('\n');
            }
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return; // the output directory went away (a clean running beside this build): the next build hashes again
        }
        changed = false;
    }
}
