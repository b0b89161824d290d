package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saves images from a real docker-distribution registry on 127.0.0.1 and checks the saved trees the
 * way sealos uses them: served by docker-registry itself, every image answers with the source's
 * manifest digest, and skopeo can copy every image out of it.
 */
@Tag("tools")
class ImageSaverRegistryTest {

    @TempDir
    static Path work;
    static LocalRegistry source;
    static TestImages.Blob multiArchIndex;
    static TestImages.Blob single;
    static TestImages.Blob pinned;

    @BeforeAll
    static void pushFixtures() throws Exception {
        source = LocalRegistry.start(work.resolve("source"), false, null, work.resolve("logs"));
        TestImages images = new TestImages(source.url());
        TestImages.Blob shared = TestImages.layer("shared.bin", 200_000, 1);
        multiArchIndex = images.pushIndex("apps/web", "1.0", List.of("linux/amd64", "linux/arm64"), List.of(shared), 10);
        single = images.pushImage("apps/worker", "2.0", "linux/amd64", List.of(shared, TestImages.layer("worker.bin", 50_000, 20)));
        pinned = images.pushIndex("apps/pinned", "3.0", List.of("linux/amd64", "linux/arm64"),
                List.of(TestImages.layer("pinned.bin", 10_000, 30)), 40);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    private List<ImageReference> references() {
        return List.of(
                ImageReference.parse(source.host() + "/apps/web:1.0"),
                ImageReference.parse(source.host() + "/apps/worker:2.0"),
                ImageReference.parse(source.host() + "/apps/pinned@" + pinned.digest()));
    }

    private SaveSummary save(Path out, Path cache, List<Platform> platforms, boolean all, boolean offline) throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(source.host()));
        List<String> progress = java.util.Collections.synchronizedList(new ArrayList<>()); // images are saved in parallel
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(out, platforms, all, 4, cache, offline, progress::add));
        SaveSummary summary = saver.save(references());
        assertEquals(references().size() * platforms.size(), progress.size(), "one progress line per image and platform");
        return summary;
    }

    @Test
    void savedTreesServeTheSourceDigestsPerPlatform() throws Exception {
        Path out = work.resolve("out-two-platforms");
        SaveSummary summary = save(out, work.resolve("cache-a"), List.of(Platform.parse("linux/amd64"), Platform.parse("linux/arm64")),
                false, false);
        assertEquals(6, summary.images());

        for (String platform : List.of("linux-amd64", "linux-arm64")) {
            Path tree = out.resolve(platform).resolve("registry");
            assertTrue(Files.isDirectory(tree.resolve("docker/registry/v2/repositories/apps/web")), "repository = reference minus host");
            String link = Files.readString(tree.resolve("docker/registry/v2/repositories/apps/web/_manifests/tags/1.0/current/link"),
                    StandardCharsets.US_ASCII);
            assertTrue(link.matches("sha256:[a-f0-9]{64}"), "link files hold the digest without newline: '" + link + "'");
            try (LocalRegistry served = LocalRegistry.start(tree, true, null, work.resolve("logs"))) {
                String arch = platform.substring("linux-".length());
                String expected = TestImages.manifestDigest(source.url(), "apps/web", childDigest(multiArchIndex, arch));
                assertEquals(childDigest(multiArchIndex, arch), expected);
                assertEquals(expected, TestImages.manifestDigest(served.url(), "apps/web", "1.0"),
                        "the tag points at the platform's own manifest, byte for byte");
                assertEquals(single.digest(), TestImages.manifestDigest(served.url(), "apps/worker", "2.0"));
                assertEquals(pinned.digest(), TestImages.manifestDigest(served.url(), "apps/pinned", pinned.digest()),
                        "a digest-pinned image stays pullable by that digest");
                skopeoCopy(served, "apps/web:1.0", arch);
                skopeoCopy(served, "apps/pinned@" + pinned.digest(), arch);
            }
        }
        assertNoTemporaryFilesInside(out);
    }

    @Test
    void copyAllPlatformsStoresTheWholeIndexAndASecondRunComesFromTheCache() throws Exception {
        Path cache = work.resolve("cache-b");
        Path out = work.resolve("out-all");
        SaveSummary cold = save(out, cache, List.of(Platform.LINUX_AMD64), true, false);
        assertTrue(cold.blobsFetched() > 0);
        Path tree = out.resolve("linux-amd64/registry");
        try (LocalRegistry served = LocalRegistry.start(tree, true, null, work.resolve("logs"))) {
            assertEquals(multiArchIndex.digest(), TestImages.manifestDigest(served.url(), "apps/web", "1.0"));
            skopeoCopyAll(served, "apps/web:1.0");
        }
        // a fresh target with the cache filled: nothing is fetched, and offline works too
        SaveSummary warm = save(work.resolve("out-all-warm"), cache, List.of(Platform.LINUX_AMD64), true, false);
        assertEquals(0, warm.blobsFetched());
        assertTrue(warm.bytesFromCache() > 0);
        SaveSummary offline = save(work.resolve("out-all-offline"), cache, List.of(Platform.LINUX_AMD64), true, true);
        assertEquals(0, offline.blobsFetched());
        assertEquals(treeFiles(tree), treeFiles(work.resolve("out-all-offline/linux-amd64/registry")), "same tree from the cache alone");
    }

    @Test
    void aNameWithoutTagIsStoredUnderLatest() throws Exception {
        TestImages.Blob plain = new TestImages(source.url()).pushImage("apps/plain", "latest", "linux/amd64",
                List.of(TestImages.layer("plain.bin", 1_000, 99)));
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(source.host()));
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(work.resolve("out-latest"), List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache-latest"), false, l -> { }));
        saver.save(List.of(ImageReference.parse(source.host() + "/apps/plain")));
        Path link = work.resolve("out-latest/linux-amd64/registry/docker/registry/v2/repositories/apps/plain/_manifests/tags/latest/current/link");
        assertEquals(plain.digest(), Files.readString(link, StandardCharsets.US_ASCII), "pullable by name, as sealos stores it");
    }

    @Test
    void aMirrorServesTheImageWhenTheRegistryItselfIsDown() throws Exception {
        String down = "127.0.0.1:" + LocalRegistry.freePort(); // nothing listens there
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(source.host(), down))
                .withRetries(1, java.time.Duration.ofMillis(1)).withMirrors(java.util.Map.of(down, List.of(source.host())));
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(work.resolve("out-mirror"), List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache-mirror"), false, l -> { }));
        saver.save(List.of(ImageReference.parse(down + "/apps/worker:2.0")));
        Path link = work.resolve("out-mirror/linux-amd64/registry/docker/registry/v2/repositories/apps/worker/_manifests/tags/2.0/current/link");
        assertEquals(single.digest(), Files.readString(link, StandardCharsets.US_ASCII));
    }

    @Test
    void aMirrorUnderAPathServesTheRepositoriesUnderThatPath() throws Exception {
        // a proxy project as Harbor, Nexus and Artifactory run them: <mirror host>/<project>/<the repository>
        TestImages.Blob proxied = new TestImages(source.url()).pushImage("dockerhub-proxy/library/proxied", "1.0", "linux/amd64",
                List.of(TestImages.layer("proxied.bin", 700, 42)));
        String down = "127.0.0.1:" + LocalRegistry.freePort(); // the registry itself is not reachable
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(source.host(), down))
                .withRetries(1, java.time.Duration.ofMillis(1)).withMirrors(java.util.Map.of(down, List.of(source.host() + "/dockerhub-proxy/")));
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(work.resolve("out-path-mirror"), List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache-path-mirror"),
                        false, l -> { }));
        SaveSummary summary = saver.save(List.of(ImageReference.parse(down + "/library/proxied:1.0")));
        Path link = work.resolve("out-path-mirror/linux-amd64/registry/docker/registry/v2/repositories/library/proxied/_manifests/tags/1.0/current/link");
        assertEquals(proxied.digest(), Files.readString(link, StandardCharsets.US_ASCII), "stored under the image's own name");
        assertEquals(java.util.Map.of(down + "/library/proxied:1.0", source.host() + "/dockerhub-proxy"), summary.servedBy(),
                "the mirror that served it is recorded");

        // images.json (the scan's report) gets it, and loses it again when the registry itself serves the image
        Path report = Files.createDirectories(work.resolve("report"));
        Files.writeString(report.resolve("images.json"), "{\"images\":[{\"canonical\":\"" + down + "/library/proxied:1.0\",\"foundIn\":[]},"
                + "{\"canonical\":\"docker.io/library/other:1\",\"foundIn\":[]}]}");
        io.clusterimage.inventory.InventoryReport.recordServedBy(report, summary.servedBy());
        com.fasterxml.jackson.databind.JsonNode images = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(report.resolve("images.json").toFile()).path("images");
        assertEquals(source.host() + "/dockerhub-proxy", images.get(0).path("servedBy").asText());
        assertTrue(images.get(1).path("servedBy").isMissingNode());
        io.clusterimage.inventory.InventoryReport.recordServedBy(report, java.util.Map.of());
        assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.resolve("images.json").toFile()).path("images").get(0)
                .path("servedBy").isMissingNode());
    }

    @Test
    void offlineWithAnEmptyCacheListsEveryMissingImage() {
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class,
                () -> save(work.resolve("out-offline"), work.resolve("cache-empty"), List.of(Platform.LINUX_AMD64), false, true));
        assertEquals(3, failure.failures().size());
        failure.failures().forEach(f -> assertEquals(RegistryException.Kind.OFFLINE_MISSING, f.error().kind()));
    }

    @Test
    void aMissingImageIsAClearNotFoundAndTheOthersAreStillSaved() throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(source.host()));
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(work.resolve("out-missing"), List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache-c"), false, l -> { }));
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver.save(List.of(
                ImageReference.parse(source.host() + "/apps/web:1.0"), ImageReference.parse(source.host() + "/apps/nope:1"))));
        assertEquals(1, failure.failures().size());
        assertEquals(RegistryException.Kind.NOT_FOUND, failure.failures().get(0).error().kind());
        assertTrue(failure.failures().get(0).error().getMessage().contains("apps/nope"), failure.failures().get(0).error().getMessage());
        assertTrue(Files.isRegularFile(work.resolve("out-missing/linux-amd64/registry/docker/registry/v2/repositories/apps/web/_manifests/tags/1.0/current/link")));
    }

    @Test
    void tlsIsVerifiedUnlessTheRegistryIsListedAsInsecure() {
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> {
            ImageSaver saver = new ImageSaver(new RegistryClient(RegistryOptions.defaults().withRetries(1, java.time.Duration.ofMillis(1))),
                    new SaveOptions(work.resolve("out-tls"), List.of(Platform.LINUX_AMD64), false, 1, work.resolve("cache-d"), false, l -> { }));
            saver.save(List.of(ImageReference.parse(source.host() + "/apps/web:1.0")));
        });
        RegistryException error = failure.failures().get(0).error();
        assertTrue(error.kind() == RegistryException.Kind.TLS || error.kind() == RegistryException.Kind.TRANSIENT, error.toString());
        assertFalse(Files.exists(work.resolve("out-tls/linux-amd64/registry/docker/registry/v2/repositories/apps/web")));
    }

    private static String childDigest(TestImages.Blob index, String arch) throws IOException {
        for (Manifest.Descriptor child : Manifest.of(index.content(), null).children()) {
            if (child.architecture().equals(arch)) {
                return child.digest();
            }
        }
        throw new AssertionError("no " + arch + " in the index");
    }

    private static void skopeoCopy(LocalRegistry served, String image, String arch) throws Exception {
        Path skopeo = Tools.require("skopeo");
        Path target = Files.createTempDirectory(work, "copy");
        run(skopeo.toString(), "copy", "--src-tls-verify=false", "--override-arch", arch, "docker://" + served.host() + "/" + image,
                "dir:" + target);
    }

    private static void skopeoCopyAll(LocalRegistry served, String image) throws Exception {
        Path skopeo = Tools.require("skopeo");
        Path target = Files.createTempDirectory(work, "copyall");
        run(skopeo.toString(), "copy", "--all", "--src-tls-verify=false", "docker://" + served.host() + "/" + image, "dir:" + target);
    }

    static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + "\n" + output);
    }

    private static List<String> treeFiles(Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).map(p -> tree.relativize(p).toString()).sorted().toList();
        }
    }

    private static void assertNoTemporaryFilesInside(Path out) throws IOException {
        try (Stream<Path> walk = Files.walk(out)) {
            List<Path> temp = walk.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), temp);
        }
    }
}
