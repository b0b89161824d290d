package io.clusterimage.fetch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Platform;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.DistributionTree;
import io.clusterimage.registry.ImagesLock;
import io.clusterimage.registry.SaveOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code cluster-image.lock}: what the charts, files and images of a build resolved to, committed next
 * to the POM so that two builds a week apart bundle the same bytes. YAML a person reviews in a pull
 * request: entries sorted, every value quoted (a version such as {@code 1.10} must not become a number),
 * one digest per line.
 *
 * @param charts charts by name
 * @param files  files by their URL as the POM writes it (placeholders and all), each with the URL and sha256 of every platform
 * @param images images by reference, each with its manifest digest per platform (from save-registry)
 */
public record LockFile(List<LockedChart> charts, List<LockedFiles> files, List<LockedImage> images) {

    public static final String FILE_NAME = "cluster-image.lock";
    static final int VERSION = 1;

    /** One declared file, by its URL as the POM writes it: the URL and content of each platform. */
    public record LockedFiles(String source, Map<String, LockedFile> platforms) {
        public LockedFiles {
            platforms = Map.copyOf(platforms);
        }
    }

    /** One image: its manifest digest per platform. */
    public record LockedImage(String image, Map<String, String> platforms) {
        public LockedImage {
            platforms = Map.copyOf(platforms);
        }
    }

    /** A lock file that a person edited wrongly or that a newer plugin wrote: names the file and the entry. */
    public static final class InvalidLockException extends Exception {
        public InvalidLockException(String message) {
            super(message);
        }
    }

    public LockFile {
        charts = charts.stream().sorted(Comparator.comparing(LockedChart::name).thenComparing(LockedChart::repository)).toList();
        files = files.stream().sorted(Comparator.comparing(LockedFiles::source)).toList();
        images = images.stream().sorted(Comparator.comparing(LockedImage::image)).toList();
    }

    public static LockFile empty() {
        return new LockFile(List.of(), List.of(), List.of());
    }

    public Optional<LockedChart> chart(String name, String repository) {
        return charts.stream().filter(c -> c.name().equals(name) && c.repository().equals(repository)).findFirst();
    }

    public Optional<LockedFiles> files(String source) {
        return files.stream().filter(f -> f.source().equals(source)).findFirst();
    }

    // ---- images ----

    /**
     * The images of save-registry's images.lock that came from registries (not from an archive or a build
     * of this project, whose digests change with their sources), by the name they are stored under, with
     * their digest per platform.
     *
     * @param fromArchives the references of images saved from archives or built (as images.lock names them)
     */
    public static List<LockedImage> pulledImages(List<ImagesLock.Entry> saved, Set<String> fromArchives) {
        Map<String, Map<String, String>> byImage = new TreeMap<>();
        for (ImagesLock.Entry entry : saved) {
            if (entry.archive().isEmpty() && !fromArchives.contains(entry.reference())) {
                byImage.computeIfAbsent(entry.stored(), k -> new TreeMap<>()).put(entry.platform(), entry.digest());
            }
        }
        List<LockedImage> images = new ArrayList<>();
        byImage.forEach((image, platforms) -> images.add(new LockedImage(image, platforms)));
        return images;
    }

    /**
     * What differs between the images save-registry pulled and this lock: a digest other than the locked
     * one (the tag moved upstream), and, when the lock is required, an image it does not list. One
     * message per image and platform, naming both digests.
     */
    public List<String> imageMismatches(List<LockedImage> pulled, boolean requireLock) {
        List<String> problems = new ArrayList<>();
        for (LockedImage image : pulled) {
            Optional<LockedImage> locked = images.stream().filter(i -> i.image().equals(image.image())).findFirst();
            for (Map.Entry<String, String> platform : new TreeMap<>(image.platforms()).entrySet()) {
                String expected = locked.map(l -> l.platforms().get(platform.getKey())).orElse(null);
                if (expected == null) {
                    if (requireLock) {
                        problems.add(image.image() + " (" + platform.getKey() + ") is not in the lock; it is " + platform.getValue());
                    }
                } else if (!expected.equals(platform.getValue())) {
                    problems.add(image.image() + " (" + platform.getKey() + ") is " + platform.getValue() + ", but the lock says "
                            + expected);
                }
            }
        }
        return problems;
    }

    /**
     * What differs between the images save-registry saved into {@code outputDirectory} and this lock
     * ({@link #imageMismatches}). With a difference, the platforms' registry trees and images.lock are removed:
     * nothing unverified goes into the cluster image.
     *
     * @param fromArchives as for {@link #pulledImages}
     */
    public List<String> verifySaved(Path outputDirectory, List<Platform> platforms, Set<String> fromArchives, boolean requireLock)
            throws IOException {
        List<String> problems = imageMismatches(pulledImages(ImagesLock.read(outputDirectory), fromArchives), requireLock);
        if (!problems.isEmpty()) {
            for (Platform platform : platforms) {
                DistributionTree.delete(SaveOptions.registryDirectory(outputDirectory, platform));
            }
            Files.deleteIfExists(outputDirectory.resolve(ImagesLock.FILE_NAME));
        }
        return problems;
    }

    // ---- reading ----

    /** Reads a lock file; {@link Optional#empty()} when there is none. */
    public static Optional<LockFile> read(Path file) throws IOException, InvalidLockException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.size(file) > 16L * 1024 * 1024) {
            throw new InvalidLockException(file + " is larger than 16 MiB; a lock file lists digests, so this is not one");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InvalidLockException(file + ":" + line + ": not valid YAML (" + e.getOriginalMessage()
                    + "); fix it, or delete the file and run mvn cluster-image:lock to write it again");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidLockException(file + " is empty or not a YAML mapping; run mvn cluster-image:lock to write it");
        }
        int version = root.path("lockVersion").asInt(-1);
        if (version != VERSION) {
            throw new InvalidLockException(file + ": lockVersion is " + root.path("lockVersion").asText("missing")
                    + ", this plugin reads lockVersion " + VERSION + "; run mvn cluster-image:lock to write it again");
        }
        List<LockedChart> charts = new ArrayList<>();
        for (JsonNode chart : root.path("charts")) {
            String where = file + ": charts entry '" + chart.path("name").asText("?") + "'";
            charts.add(new LockedChart(text(chart, "name", where), text(chart, "repository", where), text(chart, "version", where),
                    text(chart, "url", where), digest(text(chart, "digest", where), where)));
        }
        List<LockedFiles> files = new ArrayList<>();
        for (JsonNode entry : root.path("files")) {
            String where = file + ": files entry '" + entry.path("source").asText("?") + "'";
            Map<String, LockedFile> platforms = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.path("platforms").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> platform = it.next();
                String at = where + " platform " + platform.getKey();
                String sha256 = text(platform.getValue(), "sha256", at);
                if (!Digests.isSha256("sha256:" + sha256)) {
                    throw new InvalidLockException(at + ": sha256 '" + sha256 + "' is not 64 lowercase hex digits");
                }
                platforms.put(platform.getKey(), new LockedFile(text(platform.getValue(), "url", at), sha256));
            }
            files.add(new LockedFiles(text(entry, "source", where), platforms));
        }
        List<LockedImage> images = new ArrayList<>();
        for (JsonNode entry : root.path("images")) {
            String where = file + ": images entry '" + entry.path("image").asText("?") + "'";
            Map<String, String> platforms = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.path("platforms").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> platform = it.next();
                platforms.put(platform.getKey(), digest(platform.getValue().asText(), where + " platform " + platform.getKey()));
            }
            images.add(new LockedImage(text(entry, "image", where), platforms));
        }
        return Optional.of(new LockFile(charts, files, images));
    }

    private static String text(JsonNode node, String field, String where) throws InvalidLockException {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new InvalidLockException(where + " has no " + field + "; run mvn cluster-image:lock to write the entry again");
        }
        return value.asText();
    }

    private static String digest(String digest, String where) throws InvalidLockException {
        if (!Digests.isSha256(digest)) {
            throw new InvalidLockException(where + ": '" + digest + "' is not a sha256:<64 hex digits> digest");
        }
        return digest;
    }

    // ---- writing ----

    /** The file's text: the same lock gives the same bytes. */
    public String toYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# cluster-image.lock: what the charts, files and images of this build resolved to.\n")
                .append("# Written by `mvn cluster-image:lock`. Commit it, and review its changes like code: builds use\n")
                .append("# exactly what it says, and a download whose digest differs fails the build.\n")
                .append("lockVersion: ").append(VERSION).append('\n');
        out.append("charts:").append(charts.isEmpty() ? " []\n" : "\n");
        for (LockedChart chart : charts) {
            out.append("  - name: ").append(quote(chart.name())).append('\n')
                    .append("    repository: ").append(quote(chart.repository())).append('\n')
                    .append("    version: ").append(quote(chart.version())).append('\n')
                    .append("    url: ").append(quote(chart.url())).append('\n')
                    .append("    digest: ").append(quote(chart.digest())).append('\n');
        }
        out.append("files:").append(files.isEmpty() ? " []\n" : "\n");
        for (LockedFiles entry : files) {
            out.append("  - source: ").append(quote(entry.source())).append('\n').append("    platforms:\n");
            for (Map.Entry<String, LockedFile> platform : new TreeMap<>(entry.platforms()).entrySet()) {
                out.append("      ").append(quote(platform.getKey())).append(":\n")
                        .append("        url: ").append(quote(platform.getValue().url())).append('\n')
                        .append("        sha256: ").append(quote(platform.getValue().sha256())).append('\n');
            }
        }
        out.append("images:").append(images.isEmpty() ? " []\n" : "\n");
        for (LockedImage image : images) {
            out.append("  - image: ").append(quote(image.image())).append('\n').append("    platforms:\n");
            for (Map.Entry<String, String> platform : new TreeMap<>(image.platforms()).entrySet()) {
                out.append("      ").append(quote(platform.getKey())).append(": ").append(quote(platform.getValue())).append('\n');
            }
        }
        return out.toString();
    }

    /** Writes the file atomically: a build that stops half-way leaves the old lock, never half of a new one. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, toYaml().getBytes(StandardCharsets.UTF_8));
    }

    /** A YAML double-quoted scalar (JSON's escapes are YAML's too). */
    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
