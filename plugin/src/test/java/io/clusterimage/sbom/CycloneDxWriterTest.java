package io.clusterimage.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SBOM of a cluster image: valid CycloneDX 1.6 (checked with CycloneDX's own library), exactly the
 * images of images.lock, reproducible to the byte.
 */
class CycloneDxWriterTest {

    @TempDir
    Path dir;

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);

    /** The records package-image, save-registry and the scan leave in target/cluster-image/. */
    private Path outputs() throws Exception {
        Path out = Files.createDirectories(dir.resolve("target/cluster-image"));
        Files.writeString(out.resolve("image.json"), "{\"image\":\"deploy:1.0.0\",\"imageDigest\":\"" + C + "\",\"platforms\":["
                + "{\"platform\":\"linux/amd64\",\"manifestDigest\":\"" + A + "\"},{\"platform\":\"linux/arm64\",\"manifestDigest\":\"" + B + "\"}]}");
        Files.writeString(out.resolve("images.lock"), "linux/amd64 docker.io/library/nginx:1.25 " + A + "\n"
                + "linux/arm64 docker.io/library/nginx:1.25 " + B + "\n"
                + "linux/amd64 registry.example.com/team/orders:1.0.0 " + C + "\n"
                + "linux/amd64 oci-archive:images/skopeo/hello.tar@clusterimage/hello:1.0 " + C + "\n");
        Files.writeString(out.resolve("images.json"), "{\"images\":[{\"canonical\":\"docker.io/library/nginx:1.25\",\"foundIn\":["
                + "{\"source\":\"manifest\"},{\"source\":\"chart\"}]}]}");
        return out;
    }

    private SbomInput input(Path out) throws Exception {
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.createDirectories(context.resolve("opt"));
        Files.writeString(context.resolve("opt/install.sh"), "#!/bin/sh\n");
        Path amd = Files.createDirectories(out.resolve("fetched/linux-amd64/opt"));
        Path arm = Files.createDirectories(out.resolve("fetched/linux-arm64/opt"));
        Files.writeString(amd.resolve("helm"), "helm for amd64");
        Files.writeString(arm.resolve("helm"), "helm for arm64");
        return new SbomInput(BuildRecords.root(out, "io.clusterimage.examples", "deploy", "1.0.0"), BuildRecords.images(out),
                List.of(new SbomInput.ChartEntry("nginx", "15.4.2", Optional.of(A), Optional.of("https://charts.example.com/stable"), "charts/nginx"),
                        new SbomInput.ChartEntry("own", "0.1.0", Optional.empty(), Optional.empty(), "charts/own")),
                BuildRecords.files(context, Map.of("linux/amd64", amd.getParent(), "linux/arm64", arm.getParent())),
                List.of("docker.io/labring/kubernetes:v1.27.0"), "0.1.0-SNAPSHOT", "2026-01-01T00:00:00Z");
    }

    @Test
    void isValidCycloneDx16AndListsExactlyTheImagesOfImagesLock() throws Exception {
        Path out = outputs();
        Path sbom = out.resolve("sbom.cdx.json");
        CycloneDxWriter.write(input(out), sbom);

        assertEquals(List.of(), new JsonParser().validate(sbom.toFile(), Version.VERSION_16), "schema violations");
        JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
        assertEquals("1.6", bom.path("specVersion").asText());
        JsonNode root = bom.path("metadata").path("component");
        assertEquals("deploy", root.path("name").asText());
        assertEquals("pkg:maven/io.clusterimage.examples/deploy@1.0.0?classifier=cluster-image&type=tar", root.path("purl").asText());

        List<String> images = new ArrayList<>();
        for (JsonNode component : bom.path("components")) {
            if (component.path("bom-ref").asText().startsWith("image:")) {
                images.add(component.path("name").asText() + ":" + component.path("version").asText() + " "
                        + component.path("hashes").get(0).path("content").asText().charAt(0) + " " + component.path("purl").asText());
            }
        }
        assertEquals(List.of(
                "docker.io/clusterimage/hello:1.0 c pkg:oci/hello@sha256%3A" + "c".repeat(64)
                        + "?arch=amd64&os=linux&repository_url=docker.io/clusterimage/hello&tag=1.0",
                "docker.io/library/nginx:1.25 a pkg:oci/nginx@sha256%3A" + "a".repeat(64)
                        + "?arch=amd64&os=linux&repository_url=docker.io/library/nginx&tag=1.25",
                "docker.io/library/nginx:1.25 b pkg:oci/nginx@sha256%3A" + "b".repeat(64)
                        + "?arch=arm64&os=linux&repository_url=docker.io/library/nginx&tag=1.25",
                "registry.example.com/team/orders:1.0.0 c pkg:oci/orders@sha256%3A" + "c".repeat(64)
                        + "?arch=amd64&os=linux&repository_url=registry.example.com/team/orders&tag=1.0.0"), images);

        JsonNode dependsOn = bom.path("dependencies").get(0).path("dependsOn");
        assertEquals("cluster-image", bom.path("dependencies").get(0).path("ref").asText());
        assertEquals(4 + 2 + 3 + 1, dependsOn.size(), "4 images, 2 charts, opt/install.sh once and opt/helm per platform, 1 base: " + dependsOn);
        String text = Files.readString(sbom);
        assertTrue(text.contains("\"file:opt/helm@linux/arm64\""), text);
        assertTrue(text.contains("\"value\" : \"oci-archive:images/skopeo/hello.tar\""), "a tar.txt image names its archive: " + text);
        assertTrue(text.contains("\"file:opt/install.sh\""), "a file the same on every platform is listed once: " + text);
    }

    @Test
    void theSbomsAnImageCameWithAreReferencedNotDropped() throws Exception {
        Path out = outputs();
        // what save-registry carried into the amd64 tree with nginx (digest A): cosign's .sbom tag, and OCI 1.1
        // referrers under the fallback tag — an SPDX SBOM (its type only in its manifest) and a sigstore bundle
        io.clusterimage.registry.DistributionTree tree = new io.clusterimage.registry.DistributionTree(
                out.resolve("linux-amd64/registry"));
        byte[] cosignSbom = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},"
                + "\"layers\":[{\"mediaType\":\"text/spdx+json\",\"digest\":\"" + B + "\",\"size\":1}]}").getBytes();
        String cosignDigest = io.clusterimage.registry.Digests.of(cosignSbom);
        tree.putManifest("library/nginx", cosignDigest, cosignSbom);
        tree.tag("library/nginx", A.replace(':', '-') + ".sbom", cosignDigest);
        byte[] spdx = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/spdx+json\",\"subject\":{\"digest\":\"" + A + "\"}}").getBytes();
        byte[] bundle = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}").getBytes();
        String spdxDigest = io.clusterimage.registry.Digests.of(spdx);
        tree.putManifest("library/nginx", spdxDigest, spdx);
        tree.putManifest("library/nginx", io.clusterimage.registry.Digests.of(bundle), bundle);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + spdxDigest + "\",\"size\":" + spdx.length + "},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + io.clusterimage.registry.Digests.of(bundle)
                + "\",\"size\":" + bundle.length + ",\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}]}").getBytes();
        tree.putManifest("library/nginx", io.clusterimage.registry.Digests.of(index), index);
        tree.tag("library/nginx", A.replace(':', '-'), io.clusterimage.registry.Digests.of(index));

        Path sbom = out.resolve("sbom.cdx.json");
        CycloneDxWriter.write(input(out), sbom);
        assertEquals(List.of(), new JsonParser().validate(sbom.toFile(), Version.VERSION_16), "schema violations");
        JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
        List<String> references = new ArrayList<>();
        List<String> otherImagesReferences = new ArrayList<>();
        for (JsonNode component : bom.path("components")) {
            for (JsonNode reference : component.path("externalReferences")) {
                if (component.path("bom-ref").asText().equals("image:docker.io/library/nginx:1.25@linux/amd64")) {
                    references.add(reference.path("type").asText() + " " + reference.path("url").asText() + " " + reference.path("comment").asText());
                } else if (component.path("bom-ref").asText().startsWith("image:")) {
                    otherImagesReferences.add(reference.toString());
                }
            }
        }
        assertEquals(List.of(
                "bom oci://docker.io/library/nginx@" + cosignDigest + " cosign .sbom tag, text/spdx+json; carried into the registry tree with the image",
                "bom oci://docker.io/library/nginx@" + spdxDigest + " OCI 1.1 referrer, application/spdx+json; carried into the registry tree with the image")
                .stream().sorted().toList(), references.stream().sorted().toList());
        assertEquals(List.of(), otherImagesReferences, "the arm64 nginx and the other images came without SBOMs");
    }

    @Test
    void theValidatorUsedAboveRejectsWhatTheSchemaForbids() throws Exception {
        Path out = outputs();
        Path sbom = out.resolve("broken.cdx.json");
        Files.writeString(sbom, CycloneDxWriter.toJson(input(out)).replace("\"type\" : \"container\"", "\"type\" : \"box\""));
        assertNotEquals(List.of(), new JsonParser().validate(sbom.toFile(), Version.VERSION_16));
    }

    @Test
    void theSameInputGivesTheSameBytesAndAnotherDigestAnotherSerialNumber() throws Exception {
        Path out = outputs();
        String first = CycloneDxWriter.toJson(input(out));
        assertEquals(first, CycloneDxWriter.toJson(input(out)));

        Files.writeString(out.resolve("images.lock"), "linux/amd64 docker.io/library/nginx:1.25 " + B + "\n");
        String other = CycloneDxWriter.toJson(input(out));
        JsonNode a = new ObjectMapper().readTree(first);
        JsonNode b = new ObjectMapper().readTree(other);
        assertNotEquals(a.path("serialNumber").asText(), b.path("serialNumber").asText());
        assertTrue(a.path("serialNumber").asText().matches("urn:uuid:[0-9a-f-]{36}"), a.path("serialNumber").asText());
    }

    @Test
    void withoutImageJsonTheErrorSaysToRunAfterPackageImage() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> BuildRecords.root(dir, "g", "a", "1"));
        assertTrue(e.getMessage().contains("run the sbom goal after it (mvn package)"), e.getMessage());
    }
}
