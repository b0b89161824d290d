package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Json;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;
import io.clusterimage.core.TarReader;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code oci-archive:} and {@code docker-archive:} files (images/skopeo/tar.txt) into OCI
 * layouts the saver reads from. A docker-archive has no manifest, so one is written (OCI media
 * types, layers as they are in the archive, gzip detected), the same bytes for the same archive.
 */
public final class ArchiveImages {

    private ArchiveImages() {
    }

    /**
     * The images to pull: those no archive provides. An archive provides {@code repository:tag}; an image pinned
     * by digest is always pulled.
     */
    public static List<ImageReference> notProvided(List<ImageReference> images, Set<String> provided) {
        return images.stream().filter(ref -> ref.digest().isPresent()
                || !provided.contains(ref.repositoryPath() + ":" + ref.tag().orElse("latest"))).toList();
    }

    /** Unpacks {@code archive} under {@code workDir} and returns it as an OCI layout. */
    public static OciLayoutSource open(String transport, Path archive, Path workDir) throws IOException, RegistryException {
        if (!Files.isRegularFile(archive)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "archive " + archive + " does not exist");
        }
        Path unpacked = unpack(archive, workDir);
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

    /**
     * An image another tool of the build wrote, whatever its format: an OCI layout directory (read in
     * place, never written to), or a file that is an oci-archive or a docker-archive (jib:buildTar,
     * docker save), told apart by what it holds. A docker save of Docker 25+ holds both; its index.json
     * is then read, which names the same image.
     */
    public static OciLayoutSource openAny(Path file, Path workDir) throws IOException, RegistryException {
        if (Files.isDirectory(file)) {
            if (!Files.isRegularFile(file.resolve("index.json"))) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, file + " is a directory but not an OCI layout"
                        + " (no index.json); name the archive file, or the directory skopeo copy ... oci:<dir> wrote");
            }
            return new OciLayoutSource(file, "OCI layout " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, file + " does not exist; build it before this module"
                    + " (the module that writes it must come first in the reactor, e.g. by a dependency on it) or correct the path");
        }
        Path unpacked;
        try {
            unpacked = unpack(file, workDir);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, file + " is not an image archive (" + e.getMessage()
                    + "); " + EXPECTED);
        }
        if (Files.isRegularFile(unpacked.resolve("index.json"))) {
            return new OciLayoutSource(unpacked, "oci-archive " + file);
        }
        if (Files.isRegularFile(unpacked.resolve("manifest.json"))) {
            return fromDockerArchive(unpacked, workDir.resolve("layout"), file);
        }
        throw new RegistryException(RegistryException.Kind.UNSUPPORTED, file + " is not an image archive (neither index.json"
                + " nor manifest.json in it); " + EXPECTED);
    }

    private static final String EXPECTED = "expected a docker-archive (jib:buildTar, docker save), an oci-archive"
            + " (skopeo copy ... oci-archive:) or an OCI layout directory";

    /**
     * Checks that the image of a layout has an image for each platform, before anything is stored: an
     * index must name it, a single image's config must be of it (an image without os/architecture in
     * its config is taken as it is: there is nothing to check it against).
     *
     * @param name how messages name the image
     */
    public static void requirePlatforms(OciLayoutSource layout, String refName, String name, List<Platform> platforms)
            throws IOException, RegistryException {
        Manifest top = layout.top(refName);
        for (Platform platform : platforms) {
            if (top.isIndex()) {
                ImageIndexes.platformChain(name, top, platform, digest -> layout.manifest(digest, null));
            } else if (top.isImageManifest() && Json.MAPPER.readTree(top.bytes()).path("config").has("digest")) {
                String config = Json.MAPPER.readTree(top.bytes()).path("config").path("digest").asText();
                JsonNode json = Json.MAPPER.readTree(layout.blob(config).toFile());
                String os = json.path("os").asText("");
                String architecture = json.path("architecture").asText("");
                Manifest.Descriptor own = new Manifest.Descriptor("", config, -1, os, architecture, json.path("variant").asText(""));
                if (!architecture.isEmpty() && CachedRegistry.findPlatformEntry(List.of(own), platform).isEmpty()) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, name + " is an image for "
                            + CachedRegistry.platformOf(own) + ", not for " + platform + "; build it for " + platform
                            + " too (jib: <from><platforms>; docker buildx --platform) or leave " + platform + " out of <platforms>");
                }
            }
        }
    }

    private static Path unpack(Path archive, Path workDir) throws IOException {
        Path unpacked = workDir.resolve("unpacked");
        PathTrees.deleteTree(unpacked);
        Files.createDirectories(unpacked);
        try (InputStream in = Files.newInputStream(archive)) {
            TarReader.extract(in, unpacked);
        }
        return unpacked;
    }

    private static OciLayoutSource fromDockerArchive(Path unpacked, Path layout, Path archive) throws IOException, RegistryException {
        Path manifestJson = unpacked.resolve("manifest.json");
        if (!Files.isRegularFile(manifestJson)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, archive + " is not a docker archive (no manifest.json)");
        }
        JsonNode entries = Json.MAPPER.readTree(manifestJson.toFile());
        if (!entries.isArray() || entries.size() != 1) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, archive + " must hold exactly one image (it holds "
                    + entries.size() + ")");
        }
        JsonNode entry = entries.get(0);
        PathTrees.deleteTree(layout);
        Path blobs = layout.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.set("config", addBlob(unpacked, entry.path("Config").asText(), blobs, "application/vnd.oci.image.config.v1+json", archive));
        ArrayNode layers = manifest.putArray("layers");
        for (JsonNode layer : entry.path("Layers")) {
            Path file = inside(unpacked, layer.asText(), archive);
            String mediaType = isGzip(file) ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar";
            layers.add(addBlob(unpacked, layer.asText(), blobs, mediaType, archive));
        }
        byte[] manifestBytes = Json.MAPPER.writeValueAsBytes(manifest);
        String manifestDigest = Digests.of(manifestBytes);
        Files.write(blobs.resolve(Digests.hex(manifestDigest)), manifestBytes);
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode descriptor = index.putArray("manifests").addObject();
        descriptor.put("mediaType", Manifest.OCI_MANIFEST);
        descriptor.put("digest", manifestDigest);
        descriptor.put("size", manifestBytes.length);
        Files.write(layout.resolve("index.json"), Json.MAPPER.writeValueAsBytes(index));
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
        ObjectNode descriptor = Json.MAPPER.createObjectNode();
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
