package io.clusterimage.core;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Everything a goal's result depends on — parameters and the files it reads (by path, size, modification time
 * and identity, so computing it costs a directory walk, not a read of every byte) — as lines of text. A goal
 * whose fingerprint equals the one recorded after its last run, and whose outputs are still there, has nothing
 * to do; when they differ, {@link #changesSince} names what changed. With a {@link ContentMemo}
 * ({@link #byContent}), the user's files count by their content instead, still at the cost of a walk while they
 * keep their identity; the plugin's own outputs stay counted by identity (only its goals write them, and hashing
 * the registry trees would cost a cold build).
 *
 * <p>The record is the text itself, not a digest of it: comparing two texts is exact and cheap, where SHA-256 in
 * a JVM that has not compiled it yet cost a no-op build ~10 ms; and the text can say what changed. Keys and values
 * are escaped ({@code \}, newline, and {@code =} in keys), so two different sequences of entries never give the
 * same text. {@link #value()} is the SHA-256 of the text, for memo keys.
 */
public final class Fingerprint {

    /** How many changed entries {@link #changesSince} names before it says "and N more". */
    private static final int CHANGES_NAMED = 3;

    /** The key prefix of a file or directory of the last {@code tree=} line. */
    private static final String TREE_ENTRY = "+";

    private final StringBuilder text = new StringBuilder(1024);
    private ContentMemo contents;
    private Path ownOutputs;

    public Fingerprint(String goal) {
        add("goal", goal);
    }

    /** From now on, regular files outside {@code ownOutputs} are added by content, their hashes kept in {@code memo}. */
    public Fingerprint byContent(ContentMemo memo, Path ownOutputs) {
        this.contents = memo;
        this.ownOutputs = ownOutputs.toAbsolutePath().normalize();
        return this;
    }

    public Fingerprint add(String key, Object value) {
        escape(key, true);
        text.append('=');
        escape(String.valueOf(value), false);
        text.append('\n');
        return this;
    }

    private void escape(String part, boolean key) {
        if (part.indexOf('\\') < 0 && part.indexOf('\n') < 0 && (!key || part.indexOf('=') < 0)) {
            text.append(part); // the usual case: a name, a number, a path
            return;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '=' -> text.append(key ? "\\=" : "=");
                default -> text.append(c);
            }
        }
    }

    /** Every file under {@code root} that {@code exclude} does not reject: path, type, size, mtime. */
    public Fingerprint addTree(Path root, Predicate<Path> exclude) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return add("missing", root);
        }
        add("tree", root);
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
                entries.put(root.relativize(path).toString(), attributes.isDirectory() ? "d" : (attributes.isSymbolicLink() ? "l" : "f")
                        + ContentMemo.identity(attributes));
            }
        });
        entries.forEach((path, entry) -> add(TREE_ENTRY + path, entry));
        return this;
    }

    /** A file by content (for small files such as a lock file or a key), its bytes as ISO-8859-1 (one char per byte). */
    public Fingerprint addContent(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return add("missing", file);
        }
        return add("content " + file, new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    }

    /** The record as it stands: one {@code key=value} line per entry, escaped. */
    public String text() {
        return text.toString();
    }

    /** The SHA-256 of the text, as hex: a short key for memos. */
    public String value() {
        MessageDigest digest = Sha256.digest();
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Whether {@code stamp} holds this fingerprint and every output exists. */
    public boolean matches(Path stamp, List<Path> outputs) throws IOException {
        if (!Files.isRegularFile(stamp) || outputs.stream().anyMatch(p -> !Files.exists(p))) {
            return false;
        }
        return Files.readString(stamp, StandardCharsets.UTF_8).contentEquals(text);
    }

    /**
     * What differs between {@code stamp}'s record and this fingerprint, for the log: the changed, added and removed
     * entries (a file by its path, a parameter by its name), the first {@value #CHANGES_NAMED} of them; empty when
     * there is no readable record (a first build) or nothing differs. Paths under {@code base} are named relative to it.
     */
    public String changesSince(Path stamp, Path base) {
        String before;
        try {
            before = Files.readString(stamp, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) { // none yet, or unreadable: nothing to compare with
            return "";
        }
        if (before.indexOf('=') < 0) { // a record of another form (a digest, by an older plugin)
            return "";
        }
        String now = text.toString();
        // only the lines that are in one record and not the other are looked at by key: string work, cheap in a cold JVM
        Set<String> beforeLines = new HashSet<>(lines(before));
        Set<String> nowLines = new HashSet<>(lines(now));
        Map<String, String> gone = keyed(before, line -> !nowLines.contains(line));
        Map<String, String> came = keyed(now, line -> !beforeLines.contains(line));
        String prefix = base.toAbsolutePath().normalize() + File.separator;
        List<String> changed = new ArrayList<>();
        came.keySet().forEach(key -> changed.add(display(key, prefix) + (gone.containsKey(key) ? "" : " (new)")));
        gone.keySet().stream().filter(key -> !came.containsKey(key)).forEach(key -> changed.add(display(key, prefix) + " (gone)"));
        if (changed.isEmpty()) {
            return "";
        }
        String named = String.join(", ", changed.subList(0, Math.min(CHANGES_NAMED, changed.size())));
        return changed.size() > CHANGES_NAMED ? named + " and " + (changed.size() - CHANGES_NAMED) + " more" : named;
    }

    /** The values of {@code key}'s lines in a record (as {@link #text()} wrote them), unescaped, in order. */
    public static List<String> values(String record, String key) {
        List<String> values = new ArrayList<>();
        for (String line : lines(record)) {
            int split = keyEnd(line);
            if (split >= 0 && unescape(line.substring(0, split)).equals(key)) {
                values.add(unescape(line.substring(split + 1)));
            }
        }
        return values;
    }

    private static String display(String key, String basePrefix) {
        return key.startsWith(basePrefix) ? key.substring(basePrefix.length()) : key;
    }

    private static List<String> lines(String record) {
        List<String> lines = new ArrayList<>();
        for (int start = 0, end; start < record.length(); start = end + 1) {
            end = record.indexOf('\n', start);
            if (end < 0) {
                end = record.length();
            }
            lines.add(record.substring(start, end));
        }
        return lines;
    }

    /**
     * The lines of a record that {@code wanted} accepts, by key: a tree's entries keyed by their full path (the
     * {@code tree=} lines are followed whether wanted or not); a key seen twice keeps both values.
     */
    private static Map<String, String> keyed(String record, Predicate<String> wanted) {
        Map<String, String> entries = new LinkedHashMap<>();
        String tree = "";
        for (String line : lines(record)) {
            int split = keyEnd(line);
            if (split < 0) {
                continue;
            }
            String key = unescape(line.substring(0, split));
            if (key.equals("tree")) {
                tree = unescape(line.substring(split + 1));
            }
            if (!wanted.test(line)) {
                continue;
            }
            String name = key;
            if (key.startsWith(TREE_ENTRY)) {
                String relative = key.substring(TREE_ENTRY.length());
                name = relative.isEmpty() ? tree : tree + File.separator + relative;
            }
            entries.merge(name, line.substring(split + 1), (a, b) -> a + "\n" + b);
        }
        return entries;
    }

    /** The index of the first '=' that is not escaped, or -1. */
    private static int keyEnd(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=') {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String part) {
        if (part.indexOf('\\') < 0) {
            return part;
        }
        StringBuilder out = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '\\' && i + 1 < part.length()) {
                char next = part.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public void record(Path stamp) throws IOException {
        Files.createDirectories(stamp.getParent());
        AtomicFiles.write(stamp, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
