package io.clusterimage.registry;

import io.clusterimage.core.Platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code images.lock}, which save-registry writes next to its trees: one {@code <os/arch> <reference>
 * <digest>} line per image and platform, the digest the tree holds it under. Read here, in one place,
 * by whatever records those digests (package-image's annotations, the lock goal, the SBOM).
 */
public final class ImagesLock {

    public static final String FILE_NAME = "images.lock";

    /**
     * One saved image of one platform.
     *
     * @param reference as save-registry writes it: the canonical reference of a pulled or built image, the
     *                  tar.txt line ({@code oci-archive:<path>@<target>}) of an archive image
     */
    public record Entry(String platform, String reference, String digest) {
        /** The line save-registry writes. */
        public String line() {
            return platform + " " + reference + " " + digest;
        }

        /** The archive of a tar.txt image ({@code oci-archive:images/skopeo/a.tar}), empty for any other. */
        public Optional<String> archive() {
            boolean fromArchive = reference.startsWith("oci-archive:") || reference.startsWith("docker-archive:");
            return fromArchive ? Optional.of(reference.substring(0, reference.lastIndexOf('@'))) : Optional.empty();
        }

        /** The reference the image is stored under in the tree, as written (a tar.txt line's target). */
        public String stored() {
            return archive().isPresent() ? reference.substring(reference.lastIndexOf('@') + 1) : reference;
        }
    }

    private ImagesLock() {
    }

    /** The entries of {@code outputDirectory/images.lock}; empty when save-registry has not written one. */
    public static List<Entry> read(Path outputDirectory) throws IOException {
        Path file = outputDirectory.resolve(FILE_NAME);
        List<Entry> entries = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 3) {
                entries.add(new Entry(parts[0], parts[1], parts[2]));
            }
        }
        return entries;
    }

    /** Writes {@code outputDirectory/images.lock}: save-registry's {@code <os/arch> <reference> <digest>} lines. */
    public static void write(Path outputDirectory, List<String> lines) throws IOException {
        Path file = outputDirectory.resolve(FILE_NAME);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"), StandardCharsets.UTF_8);
    }

    /** Per platform, the {@link #text} of its entries; empty when save-registry has not written images.lock. */
    public static Map<Platform, String> texts(Path outputDirectory, List<Platform> platforms) throws IOException {
        Map<Platform, String> texts = new HashMap<>();
        List<Entry> entries = read(outputDirectory);
        if (entries.isEmpty() && !Files.isRegularFile(outputDirectory.resolve(FILE_NAME))) {
            return texts;
        }
        for (Platform platform : platforms) {
            texts.put(platform, text(of(entries, platform)));
        }
        return texts;
    }

    /** The {@code <reference> <digest>} lines of {@code entries}, as package-image records them in its annotation. */
    public static String text(List<Entry> entries) {
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            text.append(entry.reference()).append(' ').append(entry.digest()).append('\n');
        }
        return text.toString();
    }

    /** The entries of one platform. */
    public static List<Entry> of(List<Entry> entries, Platform platform) {
        return entries.stream().filter(e -> e.platform().equals(platform.toString())).toList();
    }
}
