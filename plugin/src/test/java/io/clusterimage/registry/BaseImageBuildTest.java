package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildException;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.PlatformImage;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.testing.FaultProxy;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * package-image with images from a real registry on 127.0.0.1: FROM a base image (its layers reused
 * as they are, its config inherited) and COPY --from=&lt;image&gt; (its files unpacked and copied).
 */
@Tag("tools")
class BaseImageBuildTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static TestImages.Blob baseLayer;
    static TestImages.Blob baseManifest;

    @BeforeAll
    static void pushBase() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        baseLayer = TestImages.layer("opt/tool.bin", 30_000, 7);
        baseManifest = new TestImages(registry.url()).pushIndex("base/rootfs", "1.0", List.of("linux/amd64", "linux/arm64"),
                List.of(baseLayer), 70);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close(); // null when the tool is missing and the tests were skipped
        }
    }

    private BuiltImage build(String kubefile) throws Exception {
        return build(kubefile, new BaseImageFetcher(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host()))),
                new BlobCache(work.resolve("cache")), false), List.of(Platform.LINUX_AMD64));
    }

    private static BuiltImage build(String kubefile, BaseImageFetcher fetcher, List<Platform> platforms) throws Exception {
        Path context = Files.createDirectories(work.resolve("ctx-" + System.nanoTime()));
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "kind: Namespace\n");
        ImageBuildOptions options = ImageBuildOptions.of(context, context.resolve("work")).withPlatforms(platforms).withRefName("app:1");
        return ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile), options, fetcher);
    }

    /** A fetcher of registries reached over plain HTTP, failing fast, with its own cache. */
    private static BaseImageFetcher fetcher(String cache, boolean offline, Map<String, List<String>> mirrors, String... hosts)
            throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(hosts)).withRetries(1, Duration.ofMillis(1))
                .withMirrors(mirrors);
        return new BaseImageFetcher(new RegistryClient(options), new BlobCache(work.resolve(cache)), offline);
    }

    private static final String FROM_AND_COPY = "FROM %1$s/base/rootfs:1.0\nCOPY --from=%1$s/base/rootfs:1.0 /opt/tool.bin /copied/\n";

    /** Checks a build of {@link #FROM_AND_COPY}: the base's layers reused, its file copied. */
    private static void assertBuiltOnTheBase(BuiltImage image) throws Exception {
        PlatformImage amd64 = image.platforms().get(0);
        assertEquals(baseLayer.digest(), amd64.layers().get(0).digest(), "FROM: the base's layers");
        byte[] expected = new byte[30_000];
        new java.util.Random(7).nextBytes(expected);
        assertArrayEquals(expected, files(amd64.layers().get(amd64.layers().size() - 1).file()).get("copied/tool.bin"),
                "COPY --from: the base's file");
    }

    /** Opening a client reads registries.conf, credentials and certificates: a build FROM scratch does none of it. */
    @Test
    void theRegistryClientIsOpenedOnlyForABaseImage() throws Exception {
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        BaseImageFetcher.ClientOpener failing = () -> {
            opened.incrementAndGet();
            throw new java.io.IOException("registries.conf: broken");
        };
        build("FROM scratch\nCOPY manifests manifests\n", new BaseImageFetcher(failing, new BlobCache(work.resolve("cache-lazy")), false),
                List.of(Platform.LINUX_AMD64));
        assertEquals(0, opened.get(), "FROM scratch opens no client");

        BaseImageFetcher.ClientOpener counting = () -> {
            opened.incrementAndGet();
            return new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host())));
        };
        assertBuiltOnTheBase(build(String.format(FROM_AND_COPY, registry.host()),
                new BaseImageFetcher(counting, new BlobCache(work.resolve("cache-lazy")), false), List.of(Platform.LINUX_AMD64)));
        assertEquals(1, opened.get(), "FROM and COPY --from share the one client");
    }

    @Test
    void aBaseImageComesThroughAMirrorWhenItsRegistryIsDown() throws Exception {
        String down = "127.0.0.1:" + LocalRegistry.freePort(); // nothing listens there
        BaseImageFetcher fetcher = fetcher("cache-mirror", false, Map.of(down, List.of(registry.host())), down, registry.host());
        BuiltImage image = build(String.format(FROM_AND_COPY, down), fetcher, List.of(Platform.LINUX_AMD64));
        assertBuiltOnTheBase(image);
        assertEquals(down + "/base/rootfs:1.0", new ObjectMapper().readTree(image.platforms().get(0).manifest()).path("annotations")
                .path("org.opencontainers.image.base.name").asText(), "the image keeps the name it was asked by");
        RegistryException direct = assertThrows(RegistryException.class, () -> fetcher("cache-mirror-none", false, Map.of(), down)
                .fetch(io.clusterimage.reference.ImageReference.parse(down + "/base/rootfs:1.0"), Platform.LINUX_AMD64),
                "without the mirror the same build has no registry to ask");
        assertEquals(RegistryException.Kind.TRANSIENT, direct.kind());
    }

    @Test
    void aSecondBuildTakesTheBaseImageFromTheCache() throws Exception {
        try (FaultProxy counting = new FaultProxy(registry.url())) {
            String host = counting.host();
            assertBuiltOnTheBase(build(String.format(FROM_AND_COPY, host), fetcher("cache-reuse", false, Map.of(), host),
                    List.of(Platform.LINUX_AMD64)));
            int first = counting.requests().size();
            assertTrue(counting.requests(FaultProxy.contains("/blobs/")).size() >= 3, "config and layers were downloaded once");

            assertBuiltOnTheBase(build(String.format(FROM_AND_COPY, host), fetcher("cache-reuse", false, Map.of(), host),
                    List.of(Platform.LINUX_AMD64)));
            List<FaultProxy.Request> second = counting.requests().subList(first, counting.requests().size());
            assertTrue(second.stream().noneMatch(r -> r.path().contains("/blobs/")), "no blob is downloaded again: " + second);
            assertTrue(second.stream().allMatch(r -> r.path().endsWith("/manifests/1.0") || r.path().equals("/v2/")),
                    "online, only the tag is asked for again (it may have moved): " + second);

            int before = counting.requests().size();
            String pinned = host + "/base/rootfs@" + baseManifest.digest();
            assertBuiltOnTheBase(build("FROM " + pinned + "\nCOPY --from=" + pinned + " /opt/tool.bin /copied/\n",
                    fetcher("cache-reuse", false, Map.of(), host), List.of(Platform.LINUX_AMD64)));
            assertBuiltOnTheBase(build(String.format(FROM_AND_COPY, host), fetcher("cache-reuse", true, Map.of(), host),
                    List.of(Platform.LINUX_AMD64)));
            assertEquals(List.of(), counting.requests().subList(before, counting.requests().size()),
                    "pinned by digest, or offline: not a single request");
        }
    }

    @Test
    void offlineWithAnEmptyCacheSaysWhatIsMissing() {
        for (String kubefile : List.of("FROM " + registry.host() + "/base/rootfs:1.0\n",
                "FROM scratch\nCOPY --from=" + registry.host() + "/base/rootfs:1.0 /opt/tool.bin /copied/\n")) {
            ImageBuildException error = assertThrows(ImageBuildException.class,
                    () -> build(kubefile, fetcher("cache-empty", true, Map.of(), registry.host()), List.of(Platform.LINUX_AMD64)));
            assertTrue(error.describe().contains(registry.host() + "/base/rootfs:1.0 is not in the cache "
                    + work.resolve("cache-empty").toAbsolutePath()), error.describe());
            assertTrue(error.describe().contains("offline"), error.describe());
        }
    }

    @Test
    void offlineWithTheManifestsButNotTheLayersListsEveryMissingBlob() throws Exception {
        build(String.format(FROM_AND_COPY, registry.host()), fetcher("cache-offline-part", false, Map.of(), registry.host()),
                List.of(Platform.LINUX_AMD64));
        BlobCache cache = new BlobCache(work.resolve("cache-offline-part"));
        List<String> layers = new ArrayList<>();
        for (PlatformImage platform : build("FROM " + registry.host() + "/base/rootfs:1.0\n",
                fetcher("cache-offline-part", true, Map.of(), registry.host()), List.of(Platform.LINUX_AMD64)).platforms()) {
            platform.layers().forEach(layer -> layers.add(layer.digest()));
        }
        for (String digest : layers) {
            Files.delete(cache.blobPath(digest));
        }
        ImageBuildException error = assertThrows(ImageBuildException.class, () -> build("FROM " + registry.host() + "/base/rootfs:1.0\n",
                fetcher("cache-offline-part", true, Map.of(), registry.host()), List.of(Platform.LINUX_AMD64)));
        for (String digest : layers) {
            assertTrue(error.describe().contains(digest), "every missing blob is named: " + error.describe());
        }
        assertTrue(error.describe().contains(layers.size() + " blob(s) of " + registry.host() + "/base/rootfs"), error.describe());
    }

    @Test
    void aBaseImageWithoutOneOfTheBuiltPlatformsIsAClearError() throws Exception {
        new TestImages(registry.url()).pushImage("base/amd64-only", "1.0", "linux/amd64", List.of(baseLayer));
        List<Platform> both = List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64"));
        ImageBuildException single = assertThrows(ImageBuildException.class, () -> build("FROM " + registry.host()
                + "/base/amd64-only:1.0\n", fetcher("cache", false, Map.of(), registry.host()), both));
        assertTrue(single.describe().contains(registry.host() + "/base/amd64-only:1.0 (a single-platform image) has no image for linux/arm64"
                + " (it has [linux/amd64])"), single.describe());
        ImageBuildException index = assertThrows(ImageBuildException.class, () -> build("FROM scratch\nCOPY --from=" + registry.host()
                + "/base/rootfs:1.0 /opt/tool.bin /x\n", fetcher("cache", false, Map.of(), registry.host()),
                List.of(Platform.LINUX_AMD64, Platform.parse("linux/s390x"))));
        assertTrue(index.describe().contains(registry.host() + "/base/rootfs:1.0 has no image for linux/s390x (it has [linux/amd64, linux/arm64])"),
                index.describe());
    }

    @Test
    void fromABaseImageReusesItsLayersAndInheritsItsConfig() throws Exception {
        BuiltImage image = build("FROM " + registry.host() + "/base/rootfs:1.0\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests\"]\n");
        PlatformImage amd64 = image.platforms().get(0);
        assertEquals(3, amd64.layers().size(), "the base's two layers, then ours");
        assertEquals(baseLayer.digest(), amd64.layers().get(0).digest(), "base layers are reused byte for byte");
        JsonNode config = new ObjectMapper().readTree(amd64.config());
        assertEquals("PATH=/bin", config.path("config").path("Env").get(0).asText(), "the base's Env is inherited");
        assertEquals(3, config.path("rootfs").path("diff_ids").size());
        assertTrue(config.path("history").size() >= 2);
        JsonNode annotations = new ObjectMapper().readTree(amd64.manifest()).path("annotations");
        assertEquals(registry.host() + "/base/rootfs:1.0", annotations.path("org.opencontainers.image.base.name").asText(),
                "the base image is named, so a push can mount its layers");
        assertTrue(annotations.path("org.opencontainers.image.base.digest").asText().startsWith("sha256:"));
        assertTrue(annotations.path("org.opencontainers.image.base.digest").asText().length() == 71);
    }

    @Test
    void copyFromAnImageTakesItsFiles() throws Exception {
        BuiltImage image = build("FROM scratch\nCOPY --from=" + registry.host() + "/base/rootfs:1.0 /opt/tool.bin /opt/\n");
        PlatformImage amd64 = image.platforms().get(0);
        assertEquals(1, amd64.layers().size());
        assertTrue(new ObjectMapper().readTree(amd64.manifest()).path("annotations").path("org.opencontainers.image.base.name").isMissingNode(),
                "FROM scratch has no base image, whatever COPY --from copies");
        Map<String, byte[]> files = files(amd64.layers().get(0).file());
        byte[] expected = new byte[30_000];
        new java.util.Random(7).nextBytes(expected);
        assertArrayEquals(expected, files.get("opt/tool.bin"));
    }

    /** Regular files of a gzip'd tar layer. */
    private static Map<String, byte[]> files(Path layer) throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
            io.clusterimage.core.TarReader reader = new io.clusterimage.core.TarReader(in);
            String name;
            while ((name = reader.nextFile()) != null) {
                files.put(name, reader.readContent(Integer.MAX_VALUE));
            }
        }
        return files;
    }
}
