package bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Lists what an OCI archive's image holds, to check that two tools packed the same files: the
 * layers of the (single-platform) image, applied in order, as sorted lines
 * {@code <type> <path> <size> <sha256 of the content>} (directories: {@code d <path>}; symbolic links:
 * {@code l <path> -> <target>}). Modes, owners and times are left out: the tools differ there by
 * design (the plugin normalizes them). Whiteouts are not expected and are listed as files.
 *
 * <p>Usage: {@code ArchiveFiles <oci-archive.tar>}. The layers are read in place from the archive
 * (gzip'd or not), nothing is extracted. On stderr, one line per layer: {@code layer <mediaType> <size>}.
 */
public final class ArchiveFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveFiles() {
    }

    private record Span(long offset, long size) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ArchiveFiles <oci-archive.tar>");
            System.exit(2);
        }
        Path archive = Path.of(args[0]);
        Map<String, byte[]> small = new HashMap<>();
        Map<String, Span> spans = new HashMap<>();
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            Tar tar = new Tar(in);
            Tar.Entry entry;
            while ((entry = tar.next()) != null) {
                String name = entry.name.startsWith("./") ? entry.name.substring(2) : entry.name;
                if (entry.type != '0') {
                    continue;
                }
                spans.put(name, new Span(tar.position, entry.size));
                if (entry.size < (4 << 20)) {
                    small.put(name, tar.content((int) entry.size));
                }
            }
            JsonNode index = JSON.readTree(small.get("index.json"));
            JsonNode manifest = index;
            while (manifest.has("manifests")) {
                manifest = JSON.readTree(blob(small, manifest.path("manifests").get(0).path("digest").asText()));
            }
            TreeMap<String, String> files = new TreeMap<>();
            for (JsonNode layer : manifest.path("layers")) {
                String name = "blobs/sha256/" + layer.path("digest").asText().substring("sha256:".length());
                Span span = spans.get(name);
                if (span == null) {
                    throw new IOException("layer " + name + " is not in the archive");
                }
                channel.position(span.offset);
                InputStream layerIn = new BufferedInputStream(new Bounded(Channels.newInputStream(channel), span.size), 1 << 16);
                layerIn.mark(2);
                int b0 = layerIn.read();
                int b1 = layerIn.read();
                layerIn.reset();
                if (b0 == 0x1f && b1 == 0x8b) {
                    layerIn = new BufferedInputStream(new GZIPInputStream(layerIn, 1 << 16), 1 << 16);
                }
                System.err.println("layer " + layer.path("mediaType").asText() + " " + span.size);
                list(new Tar(layerIn), files);
            }
            StringBuilder out = new StringBuilder();
            files.values().forEach(line -> out.append(line).append('\n'));
            System.out.print(out);
        }
    }

    private static byte[] blob(Map<String, byte[]> small, String digest) throws IOException {
        byte[] bytes = small.get("blobs/sha256/" + digest.substring("sha256:".length()));
        if (bytes == null) {
            throw new IOException(digest + " is not in the archive");
        }
        return bytes;
    }

    private static void list(Tar tar, TreeMap<String, String> files) throws Exception {
        Tar.Entry entry;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        while ((entry = tar.next()) != null) {
            String path = entry.name.replaceAll("^(\\./|/)+", "").replaceAll("/+$", "");
            if (path.isEmpty() || path.equals(".")) {
                continue;
            }
            switch (entry.type) {
                case '5' -> files.put(path, "d " + path);
                case '2' -> files.put(path, "l " + path + " -> " + entry.link);
                case '0' -> {
                    sha.reset();
                    long left = entry.size;
                    while (left > 0) {
                        int n = tar.read(buffer, (int) Math.min(buffer.length, left));
                        sha.update(buffer, 0, n);
                        left -= n;
                    }
                    files.put(path, "f " + path + " " + entry.size + " " + HexFormat.of().formatHex(sha.digest()));
                }
                default -> files.put(path, entry.type + " " + path);
            }
        }
    }

    /** The first {@code size} bytes of a stream. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    /** A minimal tar reader: ustar, PAX path/linkpath/size, GNU long names; tracks its byte position. */
    private static final class Tar {
        record Entry(String name, char type, long size, String link) {
        }

        private final InputStream in;
        long position;
        private long remaining;
        private long padding;

        Tar(InputStream in) {
            this.in = in;
        }

        Entry next() throws IOException {
            String longName = null;
            String longLink = null;
            Long paxSize = null;
            while (true) {
                skip(remaining + padding);
                byte[] header = in.readNBytes(512);
                position += header.length;
                if (header.length < 512 || isZero(header)) {
                    return null;
                }
                long size = paxSize != null ? paxSize : octal(header, 124, 12);
                paxSize = null;
                remaining = size;
                padding = (512 - size % 512) % 512;
                char type = header[156] == 0 ? '0' : (char) header[156];
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty() && text(header, 257, 5).equals("ustar")) {
                    name = prefix + "/" + name;
                }
                String link = text(header, 157, 100);
                if (type == 'L' || type == 'K') {
                    String value = new String(content((int) size), StandardCharsets.UTF_8).replace("\0", "");
                    if (type == 'L') {
                        longName = value;
                    } else {
                        longLink = value;
                    }
                    continue;
                }
                if (type == 'x') {
                    for (String record : new String(content((int) size), StandardCharsets.UTF_8).split("\n")) {
                        int space = record.indexOf(' ');
                        int eq = record.indexOf('=');
                        if (space < 0 || eq < 0) {
                            continue;
                        }
                        String key = record.substring(space + 1, eq);
                        String value = record.substring(eq + 1);
                        switch (key) {
                            case "path" -> longName = value;
                            case "linkpath" -> longLink = value;
                            case "size" -> paxSize = Long.parseLong(value);
                            default -> { }
                        }
                    }
                    continue;
                }
                if (type == 'g') {
                    content((int) size);
                    continue;
                }
                if (type == '7') {
                    type = '0';
                }
                return new Entry(longName != null ? longName : name, type, size, longLink != null ? longLink : link);
            }
        }

        byte[] content(int size) throws IOException {
            byte[] bytes = in.readNBytes(size);
            position += bytes.length;
            remaining -= bytes.length;
            return bytes;
        }

        int read(byte[] buffer, int len) throws IOException {
            int n = in.read(buffer, 0, len);
            if (n < 0) {
                throw new IOException("unexpected end of tar");
            }
            position += n;
            remaining -= n;
            return n;
        }

        private void skip(long count) throws IOException {
            long left = count;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("unexpected end of tar");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
            position += count;
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

        private static long octal(byte[] header, int offset, int length) {
            if ((header[offset] & 0x80) != 0) {
                long value = 0;
                for (int i = offset + 1; i < offset + length; i++) {
                    value = (value << 8) | (header[i] & 0xff);
                }
                return value;
            }
            String digits = text(header, offset, length).trim();
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        }
    }
}
