package io.clusterimage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on saved distribution trees and the blob cache that must hold after any run, failed or crashed. */
public final class TreeChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");

    private TreeChecks() {
    }

    /**
     * Every blob visible in a distribution tree ({@code blobs/sha256/xx/<hex>/data}) or in the cache
     * ({@code blobs/sha256/xx/<hex>}) has exactly the content its name says; returns how many were checked.
     */
    public static int assertEveryBlobVerifies(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        List<Path> blobs;
        try (Stream<Path> walk = Files.walk(root)) {
            blobs = walk.filter(Files::isRegularFile).filter(TreeChecks::isBlobFile).toList();
        }
        for (Path blob : blobs) {
            String hex = blob.getFileName().toString().equals("data") ? blob.getParent().getFileName().toString()
                    : blob.getFileName().toString();
            assertTrue(HEX.matcher(hex).matches(), "blob file with a name that is no digest: " + blob);
            assertEquals("sha256:" + hex, Digests.of(blob), "corrupt blob visible: " + blob);
            assertEquals(hex.substring(0, 2), (blob.getFileName().toString().equals("data") ? blob.getParent().getParent()
                    : blob.getParent()).getFileName().toString(), "blob in the wrong fan-out directory: " + blob);
        }
        return blobs.size();
    }

    private static boolean isBlobFile(Path file) {
        String path = file.toString().replace('\\', '/');
        int at = path.indexOf("/blobs/sha256/");
        return at >= 0 && !path.substring(at).contains("/incoming/");
    }

    /** The blob files (tree or cache form) named after {@code digest}. */
    public static List<Path> filesFor(Path root, String digest) throws IOException {
        String hex = Digests.hex(digest);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().equals(hex) || p.getFileName().toString().startsWith(hex + ".")).toList();
        }
    }

    /** Regular files below {@code dir} (relative, sorted). */
    public static List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /**
     * Every tag of every repository in a tree points at a manifest stored in the tree, whose blobs
     * (and, for an index, whose child manifests and their blobs) are stored and linked: a tag is only
     * ever written once its image is complete. Returns the tags checked, as {@code repo:tag}.
     */
    public static List<String> assertTagsComplete(Path registryDir) throws IOException {
        Path v2 = registryDir.resolve("docker/registry/v2");
        Path repositories = v2.resolve("repositories");
        List<String> checked = new ArrayList<>();
        if (!Files.isDirectory(repositories)) {
            return checked;
        }
        List<Path> currentLinks;
        try (Stream<Path> walk = Files.walk(repositories)) {
            currentLinks = walk.filter(p -> p.endsWith("current/link") && p.getParent().getParent().getParent().getFileName()
                    .toString().equals("tags")).toList();
        }
        for (Path link : currentLinks) {
            Path tagDir = link.getParent().getParent();
            Path repoDir = tagDir.getParent().getParent().getParent();
            String repo = repositories.relativize(repoDir).toString();
            String digest = Files.readString(link, StandardCharsets.US_ASCII);
            assertTrue(Digests.isSha256(digest), "link " + link + " holds '" + digest + "'");
            assertTrue(Files.isRegularFile(tagDir.resolve("index/sha256").resolve(Digests.hex(digest)).resolve("link")),
                    "tag index link missing for " + link);
            assertManifestComplete(v2, repoDir, digest, repo);
            checked.add(repo + ":" + tagDir.getFileName());
        }
        return checked;
    }

    private static void assertManifestComplete(Path v2, Path repoDir, String digest, String repo) throws IOException {
        Path data = blobData(v2, digest);
        assertTrue(Files.isRegularFile(data), repo + ": manifest " + digest + " is tagged but not stored");
        assertTrue(Files.isRegularFile(repoDir.resolve("_manifests/revisions/sha256").resolve(Digests.hex(digest)).resolve("link")),
                repo + ": manifest " + digest + " is not linked as a revision");
        JsonNode json = JSON.readTree(Files.readAllBytes(data));
        for (JsonNode child : json.path("manifests")) {
            assertManifestComplete(v2, repoDir, child.path("digest").asText(), repo);
        }
        List<String> blobs = new ArrayList<>();
        if (json.has("config")) {
            blobs.add(json.path("config").path("digest").asText());
        }
        json.path("layers").forEach(layer -> blobs.add(layer.path("digest").asText()));
        for (String blob : blobs) {
            assertTrue(Files.isRegularFile(blobData(v2, blob)), repo + ": blob " + blob + " of tagged manifest " + digest + " missing");
            assertTrue(Files.isRegularFile(repoDir.resolve("_layers/sha256").resolve(Digests.hex(blob)).resolve("link")),
                    repo + ": blob " + blob + " not linked into the repository");
        }
    }

    private static Path blobData(Path v2, String digest) {
        String hex = Digests.hex(digest);
        return v2.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    /**
     * Serves {@code registryDir} read-only with docker-registry and checks that each {@code repository:tag}
     * or {@code repository@digest} answers with the given manifest digest (what a pulling client verifies).
     */
    public static void assertServes(Path registryDir, Path workDir, java.util.Map<String, String> expected) throws Exception {
        try (LocalRegistry served = LocalRegistry.start(registryDir, true, null, workDir)) {
            for (java.util.Map.Entry<String, String> entry : expected.entrySet()) {
                String ref = entry.getKey();
                int at = ref.indexOf('@');
                int colon = ref.lastIndexOf(':');
                String repository = at >= 0 ? ref.substring(0, at) : ref.substring(0, colon);
                String reference = at >= 0 ? ref.substring(at + 1) : ref.substring(colon + 1);
                assertEquals(entry.getValue(), TestImages.manifestDigest(served.url(), repository, reference),
                        "docker-registry serving " + registryDir + " answers " + ref + " with the source's manifest");
            }
        }
    }

    /** No temporary file was left in a directory (the cache's {@code incoming}, a tree's sibling temp dir). */
    public static void assertNoTemporaryFiles(Path dir) throws IOException {
        assertEquals(List.of(), files(dir), "temporary files left in " + dir);
    }
}
