package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An SBOM attached to a pushed image as an OCI 1.1 referrer in Debian's docker-registry (no referrers API):
 * the artifact names the image as its subject, the fallback tag lists it once however often it is attached,
 * and its layer is the file.
 */
class ReferrersTest {

    @TempDir
    Path work;

    @Test
    void anSbomIsAttachedOnceAndListedUnderTheFallbackTag() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            TestImages.Blob image = new TestImages(registry.url()).pushImage("attach/app", "1.0", "linux/amd64",
                    List.of(TestImages.layer("a.bin", 300, 1)));
            Path sbom = Files.writeString(work.resolve("sbom.cdx.json"), "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}");
            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host())));
            Manifest subject = client.manifest(registry.host(), "attach/app", "1.0");

            String artifact = Referrers.attach(client, registry.host(), "attach/app", subject, "application/vnd.cyclonedx+json", sbom,
                    work.resolve("w"));
            assertEquals(artifact, Referrers.attach(client, registry.host(), "attach/app", subject, "application/vnd.cyclonedx+json",
                    sbom, work.resolve("w")), "the same file, the same artifact");

            ObjectMapper json = new ObjectMapper();
            JsonNode index = json.readTree(client.manifest(registry.host(), "attach/app", image.digest().replace(':', '-')).bytes());
            assertEquals(1, index.path("manifests").size(), index.toString());
            assertEquals(artifact, index.path("manifests").get(0).path("digest").asText());
            assertEquals("application/vnd.cyclonedx+json", index.path("manifests").get(0).path("artifactType").asText());

            JsonNode manifest = json.readTree(client.manifest(registry.host(), "attach/app", artifact).bytes());
            assertEquals(image.digest(), manifest.path("subject").path("digest").asText());
            String layer = manifest.path("layers").get(0).path("digest").asText();
            Path fetched = work.resolve("fetched");
            client.blob(registry.host(), "attach/app", layer, Files.size(sbom), fetched);
            assertEquals(Files.readString(sbom), Files.readString(fetched));
        }
    }
}
