package io.clusterimage.appimage;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A base image from a real registry on 127.0.0.1 comes through the plugin's registry path and blob
 * cache, once per platform of a multi-platform index; offline (-o), only what the cache holds.
 */
@Tag("tools")
class AppImagesRegistryBaseTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static Path classes;

    @BeforeAll
    static void pushBase() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        new TestImages(registry.url()).pushIndex("base/jre", "1.0", List.of("linux/amd64", "linux/arm64"),
                List.of(TestImages.layer("opt/java/release", 2_000, 3)), 11);
        classes = AppImageFixtures.classes(work.resolve("orders"), "hello");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close(); // null when the tool is missing and the tests were skipped
        }
    }

    private static AppImageSpec spec(String base) {
        return new AppImageSpec(ImageReference.parse("registry.example.com/team/orders:1.0"), "registry.example.com/team/orders:1.0",
                classes, List.of(), "demo.Main", new AppImageSpec.RegistryBase(ImageReference.parse(base)), List.of(), List.of(),
                List.of(), Map.of(), Map.of(), "", "", Instant.EPOCH, AppImageSpec.Mode.EXPLODED, List.of(), List.of(), List.of(),
                List.of(), "");
    }

    private static BaseImageFetcher fetcher(Path cache, boolean offline) throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(registry.host())).withRetries(1, Duration.ofMillis(1));
        return new BaseImageFetcher(new RegistryClient(options), new BlobCache(cache), offline);
    }

    @Test
    void onePlatformImageEachFromTheIndexThenOfflineFromTheCache() throws Exception {
        Path cache = work.resolve("cache");
        List<Platform> platforms = List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64"));
        List<ImageSaver.ArchiveImage> online = AppImages.build(List.of(spec(registry.host() + "/base/jre:1.0")), platforms,
                work.resolve("online"), fetcher(cache, false), new EngineImages(), line -> { });
        assertEquals(2, online.size());
        for (int i = 0; i < 2; i++) {
            ImageSaver.ArchiveImage image = online.get(i);
            assertEquals(platforms.get(i), image.only());
            assertEquals("team/orders", image.repository());
            AppImageFixtures.Image read = AppImageFixtures.read(work.resolve("online").resolve(i == 0 ? "linux-amd64" : "linux-arm64")
                    .resolve("1-image.tar"), work.resolve("read-" + i));
            assertEquals(platforms.get(i).architecture(), read.config().path("architecture").asText());
            assertEquals(List.of("opt/java/release"), read.layers().get(0), "the base layer from the registry");
        }
        List<ImageSaver.ArchiveImage> offline = AppImages.build(List.of(spec(registry.host() + "/base/jre:1.0")),
                List.of(Platform.LINUX_AMD64), work.resolve("offline"), fetcher(cache, true), new EngineImages(), line -> { });
        assertEquals(digest(work.resolve("online/linux-amd64/1-image.tar"), "a"),
                digest(work.resolve("offline/linux-amd64/1-image.tar"), "b"), "offline from the cache: the same image");
        // built again: the base tar for Jib is not written again while the base image's digest is the same
        Path baseTar = work.resolve("offline/linux-amd64/1-base.tar");
        Object identity = Files.readAttributes(baseTar, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        AppImages.build(List.of(spec(registry.host() + "/base/jre:1.0")), List.of(Platform.LINUX_AMD64), work.resolve("offline"),
                fetcher(cache, true), new EngineImages(), line -> { });
        assertEquals(identity, Files.readAttributes(baseTar, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    }

    @Test
    void aBaseMissingFromTheCacheOfflineNamesTheElementAndSaysWhatToDo() throws Exception {
        AppImageException e = assertThrows(AppImageException.class, () -> AppImages.build(List.of(spec(registry.host() + "/base/jre:1.0")),
                List.of(Platform.LINUX_AMD64), work.resolve("missing"), fetcher(work.resolve("empty-cache"), true), new EngineImages(), line -> { }));
        assertTrue(e.getMessage().startsWith("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image>: <from><image>"
                + registry.host() + "/base/jre:1.0</image>"), e.getMessage());
        assertTrue(e.getMessage().contains("offline (-o): run once online to fill it"), e.getMessage());
        assertTrue(!Files.exists(work.resolve("missing/linux-amd64/1-image.tar")), "no image was written");
    }

    private static String digest(Path archive, String name) throws Exception {
        return AppImageFixtures.read(archive, work.resolve("digest-" + name)).digest();
    }
}
