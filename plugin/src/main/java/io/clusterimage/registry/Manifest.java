package io.clusterimage.registry;

import io.clusterimage.core.JsonTree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A manifest or index exactly as the registry served it, with its verified digest.
 *
 * @param bytes     the raw bytes (stored as is, so every digest users reference stays valid)
 * @param digest    sha256 of {@code bytes}
 * @param mediaType the media type (from the JSON, or the Content-Type header)
 */
public record Manifest(byte[] bytes, String digest, String mediaType) {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
    /**
     * The largest manifest or index read (the bound RegistryClient puts on a download): manifests are
     * held in memory, so one read from an archive or a tree is bounded the same way.
     */
    public static final int MAX_BYTES = 8 * 1024 * 1024;
    private static final Set<String> INDEX_TYPES = Set.of(OCI_INDEX, DOCKER_LIST);
    private static final Set<String> MANIFEST_TYPES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

    /** A descriptor: what a manifest or index points to. */
    public record Descriptor(String mediaType, String digest, long size, String os, String architecture, String variant) {
    }

    public static Manifest of(byte[] bytes, String headerMediaType) throws IOException {
        JsonTree json = JsonTree.parse(bytes);
        String mediaType = json.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = headerMediaType == null ? "" : headerMediaType.split(";")[0].strip();
        }
        if (mediaType.isEmpty() && json.has("manifests")) {
            mediaType = OCI_INDEX;
        } else if (mediaType.isEmpty() && json.has("layers")) {
            mediaType = OCI_MANIFEST;
        }
        return new Manifest(bytes, Digests.of(bytes), mediaType);
    }

    public boolean isIndex() {
        return INDEX_TYPES.contains(mediaType);
    }

    /** Whether a media type (of a descriptor, say) is an OCI index or a Docker manifest list. */
    public static boolean isIndexType(String mediaType) {
        return INDEX_TYPES.contains(mediaType);
    }

    public boolean isImageManifest() {
        return MANIFEST_TYPES.contains(mediaType);
    }

    /** Index entries, each with its platform. */
    public List<Descriptor> children() throws IOException {
        List<Descriptor> children = new ArrayList<>();
        for (JsonTree entry : JsonTree.parse(bytes).path("manifests").elements()) {
            JsonTree platform = entry.path("platform");
            children.add(new Descriptor(entry.path("mediaType").asText(""), entry.path("digest").asText(""),
                    entry.path("size").asLong(-1), platform.path("os").asText(""), platform.path("architecture").asText(""),
                    platform.path("variant").asText("")));
        }
        return children;
    }

    /** The config and the layers of an image manifest (config first). */
    public List<Descriptor> blobs() throws IOException {
        JsonTree json = JsonTree.parse(bytes);
        List<Descriptor> blobs = new ArrayList<>();
        JsonTree config = json.path("config");
        if (!config.isMissing()) {
            blobs.add(descriptor(config));
        }
        for (JsonTree layer : json.path("layers").elements()) {
            if (layer.has("urls") && layer.path("mediaType").asText("").contains("foreign")) {
                continue; // foreign layers (Windows base images) are not served by the registry
            }
            blobs.add(descriptor(layer));
        }
        return blobs;
    }

    private static Descriptor descriptor(JsonTree node) {
        return new Descriptor(node.path("mediaType").asText(""), node.path("digest").asText(""), node.path("size").asLong(-1),
                "", "", "");
    }
}
