package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.LayerCompression;
import io.clusterimage.image.PlatformImage;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * package-image with images from a real registry on 127.0.0.1: FROM a base image (its layers reused
 * as they are, its config inherited) and COPY --from=&lt;image&gt; (its files unpacked and copied).
 */
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
        registry.close();
    }

    private BuiltImage build(String kubefile) throws Exception {
        Path context = Files.createDirectories(work.resolve("ctx-" + System.nanoTime()));
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "kind: Namespace\n");
        ImageBuildOptions options = new ImageBuildOptions(context, List.of(), p -> null, List.of(Platform.LINUX_AMD64), Map.of(),
                Instant.EPOCH, LayerCompression.NONE, LayerCompression.GZIP, Map.of(), Map.of(), "app:1", context.resolve("work"), 2);
        BaseImageFetcher fetcher = new BaseImageFetcher(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host()))),
                new BlobCache(work.resolve("cache")), false);
        return ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile), options, fetcher);
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
