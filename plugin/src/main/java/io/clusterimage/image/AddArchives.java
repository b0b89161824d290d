package io.clusterimage.image;

import io.airlift.compress.zstd.ZstdInputStream;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.TarReader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * {@code ADD} of a local tar archive unpacks it into the destination, as Docker and buildah do: an
 * archive is recognised by its content (a tar, or a tar compressed with gzip or zstd), not its name,
 * and anything else is copied as it is. Archives are unpacked with the rules of base image layers:
 * no entry may leave the directory.
 */
final class AddArchives {

    /** bzip2 and xz tars, which buildah unpacks but the JDK has no codec for. */
    static final class UnsupportedArchiveException extends IOException {
        UnsupportedArchiveException(String message) {
            super(message);
        }
    }

    private AddArchives() {
    }

    /**
     * Unpacks {@code file} into {@code directory} (emptied first) if it is a tar archive.
     *
     * @return whether it was one
     */
    static boolean unpackIfArchive(Path file, Path directory) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(6);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (startsWith(magic, 'B', 'Z', 'h') || startsWith(magic, 0xfd, '7', 'z', 'X', 'Z', 0)) {
            if (name.matches(".*\\.(tar\\.bz2|tbz2?|tar\\.xz|txz)")) {
                throw new UnsupportedArchiveException(file.getFileName() + " is a bzip2 or xz tar, which this build cannot unpack"
                        + " (no codec in the JDK)");
            }
            return false; // a compressed file that does not say it is a tar: copied as it is
        }
        if (!isTar(open(file, magic))) {
            return false;
        }
        PathTrees.deleteTree(directory);
        Files.createDirectories(directory);
        try (InputStream in = open(file, magic)) {
            LayerUnpacker.apply(new TarReader(in), directory.toRealPath(), file.getFileName().toString());
        }
        return true;
    }

    private static InputStream open(Path file, byte[] magic) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (startsWith(magic, 0x1f, 0x8b)) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        if (startsWith(magic, 0x28, 0xb5, 0x2f, 0xfd)) {
            return new ZstdInputStream(raw);
        }
        return raw;
    }

    /** Whether the stream starts with a tar header: its checksum is right (as Go's archive/tar checks it). */
    private static boolean isTar(InputStream in) throws IOException {
        try (in) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512) {
                return false;
            }
            String stored = new String(header, 148, 8, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
            if (stored.isEmpty() || !stored.matches("[0-7]+")) {
                return false;
            }
            byte[] copy = Arrays.copyOf(header, 512);
            Arrays.fill(copy, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte b : copy) {
                sum += b & 0xff;
            }
            return Long.parseLong(stored, 8) == sum;
        } catch (IOException e) {
            return false; // gzip or zstd magic, but not a valid stream: not an archive
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
