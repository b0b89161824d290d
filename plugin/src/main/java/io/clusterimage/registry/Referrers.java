package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OCI 1.1 artifacts attached to an image: an artifact manifest (empty config, the content as its one layer,
 * {@code subject} naming the image), pushed by digest and listed in the index under the fallback tag
 * {@code sha256-<hex>} that clients read from registries without the referrers API (docker-registry,
 * the registry of a Sealos cluster). A registry with the API indexes the manifest by its subject itself.
 */
public final class Referrers {

    public static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    private Referrers() {
    }

    /**
     * The artifact attaching {@code content} (small: an SBOM, an attestation) to the image described by
     * {@code subject}; found by its subject, so it has no tag. The same content gives the same bytes.
     */
    public static Attachments.Attachment artifact(Manifest.Descriptor subject, String artifactType, byte[] content) {
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        manifest.putObject("config").put("mediaType", EMPTY_CONFIG).put("digest", Digests.of(EMPTY)).put("size", EMPTY.length);
        manifest.putArray("layers").addObject().put("mediaType", artifactType).put("digest", Digests.of(content)).put("size", content.length);
        manifest.putObject("subject").put("mediaType", subject.mediaType()).put("digest", subject.digest()).put("size", subject.size());
        try {
            return new Attachments.Attachment(null, Json.MAPPER.writeValueAsBytes(manifest), List.of(EMPTY, content));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Lists the pushed artifact manifest {@code artifact} in the index under its subject's fallback tag, once
     * (listing it again changes nothing).
     *
     * @return the fallback tag it is listed under
     */
    static String list(RegistryClient client, String host, String repository, Manifest artifact) throws IOException, RegistryException {
        JsonNode root = Json.MAPPER.readTree(artifact.bytes());
        String subject = root.path("subject").path("digest").asText("");
        if (!Digests.isSha256(subject)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the artifact " + artifact.digest() + " names no subject");
        }
        String tag = subject.replace(':', '-');
        ObjectNode index;
        try {
            index = (ObjectNode) Json.MAPPER.readTree(client.manifest(host, repository, tag).bytes());
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND) {
                throw e;
            }
            index = Json.MAPPER.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", Manifest.OCI_INDEX);
            index.putArray("manifests");
        }
        ArrayNode manifests = index.withArray("manifests");
        for (JsonNode entry : manifests) {
            if (artifact.digest().equals(entry.path("digest").asText())) {
                return tag;
            }
        }
        ObjectNode entry = manifests.addObject().put("mediaType", Manifest.OCI_MANIFEST).put("digest", artifact.digest())
                .put("size", artifact.bytes().length);
        if (root.hasNonNull("artifactType")) {
            entry.put("artifactType", root.path("artifactType").asText());
        }
        client.pushManifest(host, repository, tag, Json.MAPPER.writeValueAsBytes(index), Manifest.OCI_INDEX);
        return tag;
    }
}
