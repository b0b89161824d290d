package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.TarReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Turns {@code oci-archive:} and {@code docker-archive:} files (images/skopeo/tar.txt) into OCI
 * layouts the saver reads from. A docker-archive has no manifest, so one is written (OCI media
 * types, layers as they are in the archive, gzip detected), the same bytes for the same archive.
 */
public final class ArchiveImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveImages() {
    }

    /** Unpacks {@code archive} under {@code workDir} and returns it as an OCI layout. */
    public static OciLayoutSource open(String transport, Path archive, Path workDir) throws IOException, RegistryException {
        if (!Files.isRegularFile(archive)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "archive " + archive + " does not exist");
        }
        Path unpacked = workDir.resolve("unpacked");
        io.clusterimage.core.PathTrees.deleteTree(unpacked);
        Files.createDirectories(unpacked);
        try (InputStream in = Files.newInputStream(archive)) {
            TarReader.extract(in, unpacked);
        }
        return switch (transport) {
            case "oci-archive" -> {
                if (!Files.isRegularFile(unpacked.resolve("index.json"))) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, archive + " is not an OCI archive (no index.json)");
                }
                yield new OciLayoutSource(unpacked, "oci-archive " + archive);
            }
            case "docker-archive" -> fromDockerArchive(unpacked, workDir.resolve("layout"), archive);
            default -> throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "unknown transport " + transport);
        };
    }

    private static OciLayoutSource fromDockerArchive(Path unpacked, Path layout, Path archive) throws IOException, RegistryException {
        Path manifestJson = unpacked.resolve("manifest.json");
        if (!Files.isRegularFile(manifestJson)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, archive + " is not a docker archive (no manifest.json)");
        }
        JsonNode entries = JSON.readTree(manifestJson.toFile());
        if (!entries.isArray() || entries.size() != 1) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, archive + " must hold exactly one image (it holds "
                    + entries.size() + ")");
        }
        JsonNode entry = entries.get(0);
        io.clusterimage.core.PathTrees.deleteTree(layout);
        Path blobs = layout.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.set("config", addBlob(unpacked, entry.path("Config").asText(), blobs, "application/vnd.oci.image.config.v1+json", archive));
        ArrayNode layers = manifest.putArray("layers");
        for (JsonNode layer : entry.path("Layers")) {
            Path file = inside(unpacked, layer.asText(), archive);
            String mediaType = isGzip(file) ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar";
            layers.add(addBlob(unpacked, layer.asText(), blobs, mediaType, archive));
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = Digests.of(manifestBytes);
        Files.write(blobs.resolve(Digests.hex(manifestDigest)), manifestBytes);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode descriptor = index.putArray("manifests").addObject();
        descriptor.put("mediaType", Manifest.OCI_MANIFEST);
        descriptor.put("digest", manifestDigest);
        descriptor.put("size", manifestBytes.length);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return new OciLayoutSource(layout, "docker-archive " + archive);
    }

    private static ObjectNode addBlob(Path unpacked, String name, Path blobs, String mediaType, Path archive)
            throws IOException, RegistryException {
        Path file = inside(unpacked, name, archive);
        String digest = Digests.of(file);
        Path target = blobs.resolve(Digests.hex(digest));
        if (!Files.exists(target)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", Files.size(target));
        return descriptor;
    }

    private static Path inside(Path root, String name, Path archive) throws RegistryException {
        Path file = root.resolve(name).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, archive + " names '" + name
                    + "' in manifest.json, which is not a file inside the archive");
        }
        return file;
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

}
