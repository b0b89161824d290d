package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.Tag;
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
@Tag("tools")
class ReferrersTest {

    @TempDir
    Path work;

    @Test
    void anSbomIsAttachedOnceAndListedUnderTheFallbackTag() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            TestImages.Blob image = new TestImages(registry.url()).pushImage("attach/app", "1.0", "linux/amd64",
                    List.of(TestImages.layer("a.bin", 300, 1)));
            byte[] sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host())));
            Manifest subject = client.manifest(registry.host(), "attach/app", "1.0");
            Attachments.Attachment attachment = Referrers.artifact(new Manifest.Descriptor(subject.mediaType(), subject.digest(),
                    subject.bytes().length, null, null, null), "application/vnd.cyclonedx+json", sbom);
            assertEquals(null, attachment.tag(), "an artifact is found by its subject, not a tag");
            for (int push = 0; push < 2; push++) { // the same artifact twice: listed once
                for (byte[] blob : attachment.blobs()) {
                    Path file = Files.write(work.resolve("blob-" + push + "-" + Digests.hex(Digests.of(blob))), blob);
                    client.pushBlob(registry.host(), "attach/app", Digests.of(blob), file, List.of(), Long.MAX_VALUE);
                }
                client.pushManifest(registry.host(), "attach/app", attachment.digest(), attachment.manifest(), Manifest.OCI_MANIFEST);
                Referrers.list(client, registry.host(), "attach/app", Manifest.of(attachment.manifest(), Manifest.OCI_MANIFEST));
            }
            String artifact = attachment.digest();
            ObjectMapper json = new ObjectMapper();
            JsonNode index = json.readTree(client.manifest(registry.host(), "attach/app", image.digest().replace(':', '-')).bytes());
            assertEquals(1, index.path("manifests").size(), index.toString());
            assertEquals(artifact, index.path("manifests").get(0).path("digest").asText());
            assertEquals("application/vnd.cyclonedx+json", index.path("manifests").get(0).path("artifactType").asText());

            JsonNode manifest = json.readTree(client.manifest(registry.host(), "attach/app", artifact).bytes());
            assertEquals(image.digest(), manifest.path("subject").path("digest").asText());
            String layer = manifest.path("layers").get(0).path("digest").asText();
            Path fetched = work.resolve("fetched");
            client.blob(registry.host(), "attach/app", layer, sbom.length, fetched);
            assertEquals(new String(sbom, java.nio.charset.StandardCharsets.UTF_8), Files.readString(fetched));
        }
    }
}
