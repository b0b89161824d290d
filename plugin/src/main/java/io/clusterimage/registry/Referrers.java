package io.clusterimage.registry;

import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;

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
        JsonObject manifest = new JsonObject();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        manifest.putObject("config").field("mediaType", EMPTY_CONFIG).field("digest", Digests.of(EMPTY)).field("size", EMPTY.length);
        manifest.putArray("layers").addObject().field("mediaType", artifactType).field("digest", Digests.of(content)).field("size", content.length);
        manifest.putObject("subject").field("mediaType", subject.mediaType()).field("digest", subject.digest()).field("size", subject.size());
        return new Attachments.Attachment(null, JsonWriter.compact(manifest), List.of(EMPTY, content));
    }

    /**
     * Lists the pushed artifact manifest {@code artifact} in the index under its subject's fallback tag, once
     * (listing it again changes nothing).
     *
     * @return the fallback tag it is listed under
     */
    static String list(RegistryClient client, String host, String repository, Manifest artifact) throws IOException, RegistryException {
        JsonTree root = JsonTree.parse(artifact.bytes());
        String subject = root.path("subject").path("digest").asText("");
        if (!Digests.isSha256(subject)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the artifact " + artifact.digest() + " names no subject");
        }
        String tag = subject.replace(':', '-');
        JsonObject index;
        try {
            byte[] listed = client.manifest(host, repository, tag).bytes();
            if (!(JsonTree.parse(listed).toValue() instanceof JsonObject read)) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the index under " + repository + ":" + tag
                        + " is not a JSON object");
            }
            index = read;
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND) {
                throw e;
            }
            index = new JsonObject();
            index.put("schemaVersion", 2);
            index.put("mediaType", Manifest.OCI_INDEX);
            index.putArray("manifests");
        }
        JsonArray manifests = index.get("manifests") instanceof JsonArray present ? present : index.putArray("manifests");
        for (Object entry : manifests) {
            if (entry instanceof JsonObject listed && artifact.digest().equals(listed.get("digest"))) {
                return tag;
            }
        }
        JsonObject entry = manifests.addObject().field("mediaType", Manifest.OCI_MANIFEST).field("digest", artifact.digest())
                .field("size", artifact.bytes().length);
        String artifactType = root.path("artifactType").asText(null);
        if (artifactType != null) {
            entry.put("artifactType", artifactType);
        }
        client.pushManifest(host, repository, tag, JsonWriter.compact(index), Manifest.OCI_INDEX);
        return tag;
    }
}
