package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.testing.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Builds layouts and images in temporary directories and looks inside what comes out. */
final class ImageTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The Kubefile of a typical cluster image: manifests and the registry tree, one layer each. */
    static final String CLUSTER_IMAGE_KUBEFILE = """
            FROM scratch
            COPY manifests manifests
            COPY registry registry
            CMD ["kubectl apply -f manifests"]
            """;
    static final Platform AMD64 = Platform.LINUX_AMD64;
    static final Platform ARM64 = new Platform("linux", "arm64", "");

    private ImageTestSupport() {
    }

    // ---- layouts ----

    /** Writes a file (parents created) and returns it. */
    static Path write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static Path chmod(Path file, String permissions) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    /**
     * A fake tree as save-registry writes it (docker/registry/v2/...), with {@code marker} in a
     * blob so that trees of different platforms differ.
     */
    static Path registryTree(Path dir, String repository, String marker) throws IOException {
        String blob = marker.repeat(8);
        String hex = sha256Hex(blob.getBytes(StandardCharsets.UTF_8));
        write(dir, "docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data", blob);
        write(dir, "docker/registry/v2/repositories/" + repository + "/_manifests/tags/1.0/current/link", "sha256:" + hex);
        write(dir, "docker/registry/v2/repositories/" + repository + "/_layers/sha256/" + hex + "/link", "sha256:" + hex);
        return dir;
    }

    static String sha256Hex(byte[] bytes) {
        return io.clusterimage.registry.Digests.hex(io.clusterimage.registry.Digests.of(bytes));
    }

    // ---- building ----

    static ImageBuildOptions options(Path context, Path work, Function<Platform, Path> registry, List<Platform> platforms) {
        return ImageBuildOptions.of(context, work).withExcludedFromContext(List.of(Path.of("target"))).withRegistryTree(registry)
                .withPlatforms(platforms).withRefName("x:1");
    }

    static ImageBuildOptions options(Path context, Path work) {
        return options(context, work, platform -> null, List.of(AMD64));
    }

    static BuiltImage build(String kubefile, ImageBuildOptions options) throws IOException, ImageBuildException {
        return ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile), options);
    }

    /** Builds {@code kubefile} over {@code context} for linux/amd64 with no registry tree. */
    static BuiltImage build(String kubefile, Path context, Path work) throws IOException, ImageBuildException {
        return build(kubefile, options(context, work));
    }

    /**
     * Builds {@code kubefile} for linux/amd64 over a new context under {@code work} holding
     * {@code one.txt}, base images fetched from {@code registryHost} (plain HTTP) through the cache
     * {@code work/cache}.
     */
    static PlatformImage buildWithBaseImages(String kubefile, Path work, String registryHost) throws Exception {
        Path context = Files.createDirectories(work.resolve("ctx-" + System.nanoTime()));
        write(context, "one.txt", "1");
        BaseImageFetcher fetcher = new BaseImageFetcher(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registryHost))),
                new BlobCache(work.resolve("cache")), false);
        return ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile), options(context, context.resolve("work")), fetcher)
                .platforms().get(0);
    }

    static JsonNode config(PlatformImage image) throws IOException {
        return JSON.readTree(image.config());
    }

    static JsonNode manifest(PlatformImage image) throws IOException {
        return JSON.readTree(image.manifest());
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(node -> values.add(node.asText()));
        }
        return values;
    }

    // ---- layers ----

    /** One tar entry as a layer holds it. */
    record TarEntry(String path, char type, int mode, int uid, int gid, long mtime, String link, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        boolean isDirectory() {
            return type == '5';
        }

        /** {@code "d 0755 0:0"}, {@code "f 0644 0:0 content"}, {@code "l -> target"}. */
        String describe() {
            return switch (type) {
                case '5' -> String.format("d %04o %d:%d", mode, uid, gid);
                case '2' -> "l -> " + link;
                default -> String.format("f %04o %d:%d %s", mode, uid, gid, text());
            };
        }
    }

    /** The entries of a layer (gzip or plain tar), by path without trailing slash, in archive order. */
    static LinkedHashMap<String, TarEntry> entries(Layer layer) throws IOException {
        try (InputStream raw = Files.newInputStream(layer.file());
             InputStream in = layer.mediaType().endsWith("+gzip") ? new GZIPInputStream(raw) : raw) {
            return readTar(in);
        }
    }

    /** Every entry of every layer of an image, later layers winning: path → {@link TarEntry#describe()}. */
    static TreeMap<String, String> files(PlatformImage image) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        for (Layer layer : image.layers()) {
            entries(layer).forEach((path, entry) -> files.put(path, entry.describe()));
        }
        return files;
    }

    static LinkedHashMap<String, TarEntry> readTar(InputStream in) throws IOException {
        LinkedHashMap<String, TarEntry> entries = new LinkedHashMap<>();
        String paxPath = null;
        String paxLink = null;
        while (true) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512 || isZero(header)) {
                return entries;
            }
            long size = octal(header, 124, 12);
            byte[] content = in.readNBytes((int) size);
            in.readNBytes((int) ((512 - size % 512) % 512));
            char type = (char) header[156];
            if (type == 'x') {
                for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
                    String body = record.substring(record.indexOf(' ') + 1);
                    if (body.startsWith("path=")) {
                        paxPath = body.substring(5);
                    } else if (body.startsWith("linkpath=")) {
                        paxLink = body.substring(9);
                    }
                }
                continue;
            }
            String name = paxPath != null ? paxPath : text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (paxPath == null && !prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            String link = paxLink != null ? paxLink : text(header, 157, 100);
            paxPath = null;
            paxLink = null;
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            entries.put(name, new TarEntry(name, type == 0 ? '0' : type, (int) octal(header, 100, 8), (int) octal(header, 108, 8),
                    (int) octal(header, 116, 8), octal(header, 136, 12), link, content));
        }
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
        String value = text(header, offset, length).trim();
        return value.isEmpty() ? 0 : Long.parseLong(value, 8);
    }

    // ---- external tools ----

    /** Runs a command, fails the test (with its output) unless it exits 0, returns its stdout. */
    static String run(Path workDir, String... command) throws IOException, InterruptedException {
        Result result = runAllowingFailure(workDir, command);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + " failed:\n" + result.stdout() + result.stderr());
        return result.stdout();
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result runAllowingFailure(Path workDir, String... command) throws IOException, InterruptedException {
        Tools.require(command[0]);
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
        }
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** Extracts a tar file into a directory (the archive is an OCI layout; umoci needs a directory). */
    static Path extract(Path tar, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (InputStream in = Files.newInputStream(tar)) {
            for (TarEntry entry : readTar(in).values()) {
                Path target = dir.resolve(entry.path()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the directory: " + entry.path());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.write(target, entry.content());
                }
            }
        }
        return dir;
    }

    /**
     * A directory tree as path → {@code "d 0755"}, {@code "f 0644 <content>"} or {@code "l -> target"}
     * (contents longer than 64 bytes as their sha256).
     */
    static TreeMap<String, String> tree(Path root) throws IOException {
        TreeMap<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted().toList()) {
                if (path.equals(root)) {
                    continue;
                }
                String relative = root.relativize(path).toString();
                if (Files.isSymbolicLink(path)) {
                    tree.put(relative, "l -> " + Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    tree.put(relative, String.format("d %04o", mode(path)));
                } else {
                    byte[] content = Files.readAllBytes(path);
                    String shown = content.length <= 64 ? new String(content, StandardCharsets.UTF_8) : "sha256:" + sha256Hex(content);
                    tree.put(relative, String.format("f %04o %s", mode(path), shown));
                }
            }
        }
        return tree;
    }

    static int mode(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= switch (permission) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
