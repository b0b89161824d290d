package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OCI 1.1 artifacts attached to an image: an artifact manifest (empty config, the file as its one layer,
 * {@code subject} naming the image) pushed by digest, and listed in the index under the fallback tag
 * {@code sha256-<hex>} that clients read from registries without the referrers API (docker-registry,
 * the registry of a Sealos cluster). A registry with the API indexes the manifest by its subject itself.
 */
public final class Referrers {

    public static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Referrers() {
    }

    /**
     * Attaches {@code file} to the image {@code subject} of {@code repository}; attaching the same file again
     * changes nothing.
     *
     * @return the artifact manifest's digest
     */
    public static String attach(RegistryClient client, String host, String repository, Manifest subject, String artifactType,
                                Path file, Path workDir) throws IOException, RegistryException {
        Files.createDirectories(workDir);
        Path empty = workDir.resolve("empty-config.json");
        Files.write(empty, "{}".getBytes(StandardCharsets.UTF_8));
        String emptyDigest = Digests.of(empty);
        String fileDigest = Digests.of(file);
        client.pushBlob(host, repository, emptyDigest, empty, java.util.List.of(), Long.MAX_VALUE);
        client.pushBlob(host, repository, fileDigest, file, java.util.List.of(), Long.MAX_VALUE);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        manifest.putObject("config").put("mediaType", EMPTY_CONFIG).put("digest", emptyDigest).put("size", 2);
        manifest.putArray("layers").addObject().put("mediaType", artifactType).put("digest", fileDigest).put("size", Files.size(file));
        manifest.putObject("subject").put("mediaType", subject.mediaType()).put("digest", subject.digest())
                .put("size", subject.bytes().length);
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        String digest = Digests.of(bytes);
        client.pushManifest(host, repository, digest, bytes, Manifest.OCI_MANIFEST);

        // the fallback tag: the index of everything attached to the subject, this one added once
        String tag = subject.digest().replace(':', '-');
        ObjectNode index;
        try {
            Manifest existing = client.manifest(host, repository, tag);
            index = (ObjectNode) JSON.readTree(existing.bytes());
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND) {
                throw e;
            }
            index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", Manifest.OCI_INDEX);
            index.putArray("manifests");
        }
        ArrayNode manifests = index.withArray("manifests");
        for (JsonNode entry : manifests) {
            if (digest.equals(entry.path("digest").asText())) {
                return digest;
            }
        }
        manifests.addObject().put("mediaType", Manifest.OCI_MANIFEST).put("digest", digest).put("size", bytes.length)
                .put("artifactType", artifactType);
        client.pushManifest(host, repository, tag, JSON.writeValueAsBytes(index), Manifest.OCI_INDEX);
        return digest;
    }
}
