package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The other outputs: an OCI layout directory and a docker-archive, each read by skopeo. */
class OutputFormatsTest {

    @TempDir
    Path work;

    private BuiltImage image(List<Platform> platforms) throws Exception {
        Path context = Files.createDirectories(work.resolve("ctx"));
        ImageTestSupport.write(context, "manifests/app.yaml", "kind: Namespace\n");
        return ImageTestSupport.build("FROM scratch\nLABEL sealos.io.type=application\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests\"]\n",
                ImageTestSupport.options(context, work.resolve("build"), p -> null, platforms));
    }

    @Test
    void ociDirectoryIsAnOciLayoutSkopeoReads() throws Exception {
        BuiltImage image = image(List.of(Platform.LINUX_AMD64));
        Path dir = work.resolve("layout");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, dir, OciArchiveWriter.Format.OCI_DIRECTORY);
        assertTrue(Files.isRegularFile(dir.resolve("oci-layout")));
        String raw = ImageTestSupport.run(work, "skopeo", "inspect", "--raw", "oci:" + dir + ":app:1");
        assertEquals(image.digest(), io.clusterimage.registry.Digests.of(raw.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void dockerArchiveHasTheImageAndItsTag() throws Exception {
        BuiltImage image = image(List.of(Platform.LINUX_AMD64));
        Path archive = work.resolve("app-docker.tar");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive, OciArchiveWriter.Format.DOCKER_ARCHIVE);
        String inspect = ImageTestSupport.run(work, "skopeo", "inspect", "docker-archive:" + archive);
        JsonNode json = ImageTestSupport.JSON.readTree(inspect);
        assertEquals("application", json.path("Labels").path("sealos.io.type").asText());
        assertEquals(1, json.path("Layers").size());
        // docker load tags the image from manifest.json
        String manifestJson = ImageTestSupport.run(work, "tar", "-xOf", archive.toString(), "manifest.json");
        assertEquals("[\"app:1\"]", ImageTestSupport.JSON.readTree(manifestJson).get(0).path("RepoTags").toString());
    }

    @Test
    void dockerArchiveRefusesSeveralPlatforms() throws Exception {
        BuiltImage image = image(List.of(Platform.LINUX_AMD64, ImageTestSupport.ARM64));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () ->
                OciArchiveWriter.write(image, "app:1", Instant.EPOCH, work.resolve("x.tar"), OciArchiveWriter.Format.DOCKER_ARCHIVE));
        assertTrue(error.getMessage().contains("one platform"), error.getMessage());
    }
}
