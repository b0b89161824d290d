package io.clusterimage.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}):
 * where images from {@code oci-archive:} and {@code docker-archive:} files are read from.
 *
 * <p>Every digest read from the layout is checked to be {@code sha256:<64 hex>} before it becomes a
 * path, and manifests are read up to {@link Manifest#MAX_BYTES}: the archive is user input.
 */
public final class OciLayoutSource {

    private final Path root;
    private final String name;

    public OciLayoutSource(Path root) {
        this(root, root.toString());
    }

    /** @param name how messages name the layout (the archive it was unpacked from, say) */
    public OciLayoutSource(Path root, String name) {
        this.root = root;
        this.name = name;
    }

    public Path root() {
        return root;
    }

    /** How messages name this layout. */
    public String name() {
        return name;
    }

    /**
     * The image named {@code refName} in index.json ({@code org.opencontainers.image.ref.name}), or the
     * only one when the index holds a single entry.
     */
    public Manifest top(String refName) throws IOException, RegistryException {
        JsonNode index = indexJson();
        JsonNode manifests = index.path("manifests");
        JsonNode chosen = null;
        int chosenAt = 0;
        int at = 0;
        for (JsonNode entry : manifests) {
            at++;
            String entryName = entry.path("annotations").path("org.opencontainers.image.ref.name").asText("");
            if (refName != null && (entryName.equals(refName) || (!entryName.isEmpty() && refName.endsWith(":" + entryName)))) {
                chosen = entry;
                chosenAt = at;
            }
        }
        if (chosen == null && manifests.size() == 1) {
            chosen = manifests.get(0);
            chosenAt = 1;
        }
        if (chosen == null) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, name + " holds " + manifests.size()
                    + " images and none is named '" + refName + "'");
        }
        String digest = chosen.path("digest").asText("");
        if (!Digests.isSha256(digest)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "index.json of " + name + " names the digest '" + digest
                    + "' (manifests entry " + chosenAt + "), which is not a sha256 digest (sha256:<64 lowercase hex>);"
                    + " the archive is damaged or was hand-edited: re-create it (e.g. with skopeo copy ... oci-archive:...)");
        }
        return manifest(digest, chosen.path("mediaType").asText(null));
    }

    private JsonNode indexJson() throws IOException, RegistryException {
        try {
            return Json.MAPPER.readTree(readBounded(root.resolve("index.json"), "index.json"));
        } catch (JsonProcessingException e) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "index.json of " + name + " is not valid JSON: "
                    + e.getOriginalMessage() + "; re-create the archive (e.g. with skopeo copy ... oci-archive:...)");
        }
    }

    /** An annotation of index.json itself (not of one of its entries). */
    public Optional<String> indexAnnotation(String key) throws IOException, RegistryException {
        JsonNode value = indexJson().path("annotations").path(key);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    public Manifest manifest(String digest, String mediaType) throws IOException, RegistryException {
        Path blob = blob(digest);
        Manifest manifest = Manifest.of(readBounded(blob, "manifest " + digest), mediaType);
        if (!manifest.digest().equals(digest)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "manifest " + digest + " in " + name
                    + " has the wrong content (" + manifest.digest() + "); the archive is damaged: re-create it");
        }
        return manifest;
    }

    /** The file of a blob; the digest is checked to be a sha256 digest before it becomes a path. */
    public Path blob(String digest) throws RegistryException {
        if (!Digests.isSha256(digest)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, name + " names the digest '" + digest
                    + "', which is not a sha256 digest (sha256:<64 lowercase hex>); re-create the archive");
        }
        Path blob = root.resolve("blobs/sha256").resolve(Digests.hex(digest));
        if (!Files.isRegularFile(blob)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "blob " + digest + " is missing from " + name);
        }
        return blob;
    }

    private byte[] readBounded(Path file, String what) throws IOException, RegistryException {
        if (Files.size(file) > Manifest.MAX_BYTES) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, what + " of " + name + " is larger than "
                    + Manifest.MAX_BYTES + " bytes, which no real manifest is");
        }
        return Files.readAllBytes(file);
    }
}
