package io.clusterimage.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Reads the entries of a tar stream one after the other (ustar, GNU long names, PAX paths), enough
 * to look inside chart archives and to unpack them safely. Entry content is streamed, never held
 * whole in memory, and only read when asked for.
 */
public final class TarReader {

    private static final int BLOCK = 512;

    private final InputStream in;
    private long remaining;
    private long padding;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Returns the content of the first regular file whose name satisfies {@code wanted}, read up to
     * {@code maxBytes}, or null when there is none.
     */
    public static byte[] find(InputStream tar, Predicate<String> wanted, int maxBytes) throws IOException {
        TarReader reader = new TarReader(tar);
        String name;
        while ((name = reader.nextFile()) != null) {
            if (wanted.test(name)) {
                return reader.readContent(maxBytes);
            }
        }
        return null;
    }

    /**
     * One entry's header, with GNU long names and PAX {@code path}, {@code linkpath} and {@code size}
     * applied.
     *
     * @param type     the type flag: {@code '0'} regular file, {@code '1'} hard link, {@code '2'}
     *                 symbolic link, {@code '5'} directory, ...
     * @param linkName the target of a link, as written in the archive
     */
    public record Entry(String name, char type, int mode, long size, String linkName) {

        public boolean isFile() {
            return type == '0' || type == 0 || type == '7';
        }

        public boolean isDirectory() {
            return type == '5';
        }

        public boolean isSymbolicLink() {
            return type == '2';
        }

        public boolean isHardLink() {
            return type == '1';
        }
    }

    /** Advances to the next regular file and returns its name, or null at the end of the archive. */
    public String nextFile() throws IOException {
        Entry entry;
        while ((entry = next()) != null) {
            if (entry.isFile()) {
                return entry.name();
            }
        }
        return null;
    }

    /** Advances to the next entry of any type (metadata entries are applied, not returned), or null at the end. */
    public Entry next() throws IOException {
        String longName = null;
        String longLink = null;
        long paxSize = -1;
        while (true) {
            skipFully(remaining + padding);
            byte[] header = in.readNBytes(BLOCK);
            if (header.length < BLOCK || isZero(header)) {
                return null;
            }
            long size = parseOctal(header, 124, 12);
            char type = (char) header[156];
            if (paxSize >= 0 && type != 'x' && type != 'L' && type != 'K') {
                size = paxSize;
            }
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty() && "ustar".equals(text(header, 257, 5))) {
                name = prefix + "/" + name;
            }
            if (type == 'L' || type == 'K') {
                String value = new String(readContent(Integer.MAX_VALUE), StandardCharsets.UTF_8).replace("\0", "");
                if (type == 'L') {
                    longName = value;
                } else {
                    longLink = value;
                }
                continue;
            }
            if (type == 'x') {
                String pax = new String(readContent(Integer.MAX_VALUE), StandardCharsets.UTF_8);
                for (String record : pax.split("\n")) {
                    int space = record.indexOf(' ');
                    if (space < 0) {
                        continue;
                    }
                    String keyValue = record.substring(space + 1);
                    if (keyValue.startsWith("path=")) {
                        longName = keyValue.substring("path=".length());
                    } else if (keyValue.startsWith("linkpath=")) {
                        longLink = keyValue.substring("linkpath=".length());
                    } else if (keyValue.startsWith("size=")) {
                        paxSize = Long.parseLong(keyValue.substring("size=".length()).strip());
                    }
                }
                continue;
            }
            if (type == 'g') {
                continue; // global PAX defaults: nothing in them matters here
            }
            return new Entry(longName != null ? longName : name, type, (int) parseOctal(header, 100, 8), size,
                    longLink != null ? longLink : text(header, 157, 100));
        }
    }

    public byte[] readContent(int maxBytes) throws IOException {
        int length = (int) Math.min(remaining, maxBytes);
        byte[] content = in.readNBytes(length);
        remaining -= content.length;
        return content;
    }

    /** Streams the current entry's content to {@code out}. */
    public void copyContent(OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("unexpected end of tar archive");
            }
            out.write(buffer, 0, read);
            remaining -= read;
        }
    }

    /**
     * Unpacks the regular files of a tar stream under {@code target}. Entries with absolute paths
     * or {@code ..} that would land outside {@code target} are refused; links are not created.
     *
     * @throws IOException naming the offending entry
     */
    public static void extract(InputStream tar, Path target) throws IOException {
        TarReader reader = new TarReader(tar);
        Path root = target.toAbsolutePath().normalize();
        String name;
        while ((name = reader.nextFile()) != null) {
            Path destination = root.resolve(name).normalize();
            if (escapes(name) || !destination.startsWith(root) || destination.equals(root)) {
                throw new IOException("archive entry '" + name + "' would be written outside the target directory");
            }
            Files.createDirectories(destination.getParent());
            try (OutputStream out = Files.newOutputStream(destination)) {
                reader.copyContent(out);
            }
        }
    }

    /**
     * Whether an entry name lands outside the directory the archive is unpacked into: an absolute
     * path, or one whose {@code ..} climb above where it starts (what Helm refuses in a chart as well).
     */
    public static boolean escapes(String name) {
        if (name.startsWith("/")) {
            return true;
        }
        int depth = 0;
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                if (--depth < 0) {
                    return true;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
            }
        }
        return false;
    }

    private void skipFully(long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("unexpected end of tar archive");
                }
                skipped = 1;
            }
            left -= skipped;
        }
        remaining = 0;
        padding = 0;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long parseOctal(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long value = 0; // base-256 encoding for large sizes
            for (int i = offset + 1; i < offset + length; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        String digits = text(header, offset, length).trim();
        if (digits.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new IOException("not a tar archive (bad size field '" + digits + "')");
        }
    }
}
