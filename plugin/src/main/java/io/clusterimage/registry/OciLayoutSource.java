package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}):
 * where images from {@code oci-archive:} and {@code docker-archive:} files are read from.
 */
public final class OciLayoutSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public OciLayoutSource(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * The image named {@code refName} in index.json ({@code org.opencontainers.image.ref.name}), or the
     * only one when the index holds a single entry.
     */
    public Manifest top(String refName) throws IOException, RegistryException {
        byte[] indexBytes = Files.readAllBytes(root.resolve("index.json"));
        JsonNode index = JSON.readTree(indexBytes);
        JsonNode manifests = index.path("manifests");
        JsonNode chosen = null;
        for (JsonNode entry : manifests) {
            String name = entry.path("annotations").path("org.opencontainers.image.ref.name").asText("");
            if (refName != null && (name.equals(refName) || (!name.isEmpty() && refName.endsWith(":" + name)))) {
                chosen = entry;
            }
        }
        if (chosen == null && manifests.size() == 1) {
            chosen = manifests.get(0);
        }
        if (chosen == null) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, root + " holds " + manifests.size()
                    + " images and none is named '" + refName + "'");
        }
        return manifest(chosen.path("digest").asText(), chosen.path("mediaType").asText(null));
    }

    public Manifest manifest(String digest, String mediaType) throws IOException, RegistryException {
        Path blob = blob(digest);
        byte[] bytes = Files.readAllBytes(blob);
        Manifest manifest = Manifest.of(bytes, mediaType);
        if (!manifest.digest().equals(digest)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "manifest " + digest + " in " + root
                    + " has the wrong content (sha256 " + manifest.digest() + ")");
        }
        return manifest;
    }

    public Path blob(String digest) throws RegistryException {
        Path blob = root.resolve("blobs/sha256").resolve(Digests.hex(digest));
        if (!Files.isRegularFile(blob)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "blob " + digest + " is missing from " + root);
        }
        return blob;
    }
}
