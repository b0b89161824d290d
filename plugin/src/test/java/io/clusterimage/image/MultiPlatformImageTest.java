package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Platform;
import io.clusterimage.registry.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.ARM64;
import static io.clusterimage.image.ImageTestSupport.JSON;
import static io.clusterimage.image.ImageTestSupport.extract;
import static io.clusterimage.image.ImageTestSupport.registryTree;
import static io.clusterimage.image.ImageTestSupport.run;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several platforms make an OCI index; each platform's image holds its own registry tree. */
class MultiPlatformImageTest {

    @TempDir
    Path temp;

    private BuiltImage build(List<Platform> platforms) throws Exception {
        Path context = Files.createDirectories(temp.resolve("context"));
        write(context, "manifests/app.yaml", "kind: Pod\n");
        Map<Platform, Path> trees = new java.util.HashMap<>();
        for (Platform platform : platforms) {
            String marker = platform.architecture() + platform.variant();
            trees.put(platform, registryTree(temp.resolve("save/" + marker + "/registry"), "library/nginx", marker));
        }
        return ImageTestSupport.build(ImageTestSupport.CLUSTER_IMAGE_KUBEFILE, ImageTestSupport.options(context, temp.resolve("work"), trees::get, platforms));
    }

    @Test
    void twoPlatformsMakeAnIndexWhoseManifestsCarryTheirPlatformAndTheirOwnTree() throws Exception {
        BuiltImage image = build(List.of(AMD64, ARM64));
        Path archive = temp.resolve("image.tar");
        OciArchiveWriter.write(image, "x:1", Instant.EPOCH, archive);
        Path layout = extract(archive, temp.resolve("layout"));

        // index.json → the image index (by digest) → one manifest per platform
        JsonNode top = JSON.readTree(layout.resolve("index.json").toFile());
        assertEquals(1, top.get("manifests").size());
        JsonNode entry = top.get("manifests").get(0);
        assertEquals("application/vnd.oci.image.index.v1+json", entry.get("mediaType").asText());
        assertEquals(image.digest(), entry.get("digest").asText());
        assertEquals("x:1", entry.at("/annotations/org.opencontainers.image.ref.name").asText());
        byte[] indexBytes = Files.readAllBytes(blob(layout, image.digest()));
        assertEquals(image.digest(), Digests.of(indexBytes));
        assertEquals(entry.get("size").asLong(), indexBytes.length);

        JsonNode index = JSON.readTree(indexBytes);
        assertEquals(2, index.get("schemaVersion").asInt());
        assertEquals("application/vnd.oci.image.index.v1+json", index.get("mediaType").asText());
        assertEquals(2, index.get("manifests").size());
        List<String> seen = new ArrayList<>();
        for (JsonNode descriptor : index.get("manifests")) {
            assertEquals("application/vnd.oci.image.manifest.v1+json", descriptor.get("mediaType").asText());
            String os = descriptor.at("/platform/os").asText();
            String architecture = descriptor.at("/platform/architecture").asText();
            assertFalse(descriptor.get("platform").has("variant"), descriptor.toString());
            seen.add(os + "/" + architecture);
            byte[] manifestBytes = Files.readAllBytes(blob(layout, descriptor.get("digest").asText()));
            assertEquals(descriptor.get("size").asLong(), manifestBytes.length);
            JsonNode manifest = JSON.readTree(manifestBytes);
            JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile());
            assertEquals(os, config.get("os").asText());
            assertEquals(architecture, config.get("architecture").asText());

            // the registry layer (the last one) holds this platform's tree, and only it
            JsonNode registryLayer = manifest.get("layers").get(1);
            assertEquals("application/vnd.oci.image.layer.v1.tar", registryLayer.get("mediaType").asText());
            String digest = registryLayer.get("digest").asText();
            Layer layer = new Layer(blob(layout, digest), digest, 0, "", registryLayer.get("mediaType").asText(), "");
            String blobs = ImageTestSupport.entries(layer).values().stream()
                    .filter(e -> e.path().endsWith("/data")).map(ImageTestSupport.TarEntry::text).toList().toString();
            assertEquals("[" + architecture.repeat(8) + "]", blobs);
        }
        assertEquals(List.of("linux/amd64", "linux/arm64"), seen);

        // the manifest layers are shared where the content is the same, distinct where it differs
        PlatformImage amd64 = image.platforms().get(0);
        PlatformImage arm64 = image.platforms().get(1);
        assertEquals(amd64.layers().get(0).digest(), arm64.layers().get(0).digest());
        assertNotEquals(amd64.layers().get(1).digest(), arm64.layers().get(1).digest());
    }

    @Test
    void skopeoPicksThePlatformFromTheIndex() throws Exception {
        BuiltImage image = build(List.of(AMD64, ARM64));
        Path archive = temp.resolve("image.tar");
        OciArchiveWriter.write(image, "x:1", Instant.EPOCH, archive);
        for (PlatformImage platform : image.platforms()) {
            JsonNode inspect = JSON.readTree(run(temp, "skopeo", "--override-os", "linux", "--override-arch",
                    platform.platform().architecture(), "inspect", "oci-archive:" + archive));
            assertEquals(platform.platform().architecture(), inspect.get("Architecture").asText());
            // Digest is what the reference names (the index); the layers are the platform's own
            assertEquals(image.digest(), inspect.get("Digest").asText());
            assertEquals(platform.layers().stream().map(Layer::digest).toList(), ImageTestSupport.strings(inspect.get("Layers")));
        }
        // and copies all of it, the index digest unchanged
        Path copy = temp.resolve("copy");
        run(temp, "skopeo", "copy", "--all", "--preserve-digests", "oci-archive:" + archive, "oci:" + copy + ":x");
        String raw = run(temp, "skopeo", "inspect", "--raw", "oci:" + copy + ":x");
        assertEquals(image.digest(), Digests.of(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aVariantIsWrittenToTheIndexAndTheConfig() throws Exception {
        Platform armV7 = Platform.parse("linux/arm/v7");
        BuiltImage image = build(List.of(AMD64, armV7));
        JsonNode index = JSON.readTree(image.index());
        TreeMap<String, String> platforms = new TreeMap<>();
        for (JsonNode descriptor : index.get("manifests")) {
            platforms.put(descriptor.at("/platform/architecture").asText(), descriptor.get("platform").path("variant").asText(""));
        }
        assertEquals(Map.of("amd64", "", "arm", "v7"), platforms);
        JsonNode config = ImageTestSupport.config(image.platforms().get(1));
        assertEquals("arm", config.get("architecture").asText());
        assertEquals("v7", config.get("variant").asText());
        assertNull(ImageTestSupport.config(image.platforms().get(0)).get("variant"));
    }

    @Test
    void onePlatformIsAManifestNotAnIndex() throws Exception {
        BuiltImage image = build(List.of(ARM64));
        assertNull(image.index());
        assertEquals(image.platforms().get(0).manifestDigest(), image.digest());
        Path archive = temp.resolve("image.tar");
        OciArchiveWriter.write(image, "x:1", Instant.EPOCH, archive);
        JsonNode entry = JSON.readTree(extract(archive, temp.resolve("layout")).resolve("index.json").toFile()).at("/manifests/0");
        assertEquals("application/vnd.oci.image.manifest.v1+json", entry.get("mediaType").asText());
        assertEquals("arm64", entry.at("/platform/architecture").asText());
        assertEquals("linux", entry.at("/platform/os").asText());
        assertTrue(entry.get("digest").asText().startsWith("sha256:"));
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }
}
