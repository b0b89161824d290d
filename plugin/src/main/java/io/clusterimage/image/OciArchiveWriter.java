package io.clusterimage.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.TreeMap;

/**
 * Writes a built image as an OCI archive: a tar of an OCI image layout ({@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/...}) that {@code skopeo}, {@code podman load},
 * {@code buildah from oci-archive:}, {@code umoci} and {@code sealos load} read. Entries are sorted
 * and carry fixed owners and times, so the same image gives the same archive bytes.
 */
public final class OciArchiveWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciArchiveWriter() {
    }

    /** A blob to write: bytes in memory (JSON documents) or a file (layers). */
    private record BlobContent(byte[] bytes, Path file) {
        long size() throws IOException {
            return bytes != null ? bytes.length : Files.size(file);
        }

        InputStream open() throws IOException {
            return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
        }
    }

    /** What to write. */
    public enum Format {
        /** An OCI image layout in a tar (the default): sealos load, skopeo, podman, umoci, buildah. */
        OCI_ARCHIVE,
        /** The same OCI image layout as a directory. */
        OCI_DIRECTORY,
        /** A docker-archive (manifest.json) for {@code docker load}; one platform only. */
        DOCKER_ARCHIVE;

        /** @throws IllegalArgumentException naming the accepted values */
        public static Format parse(String text) {
            return switch (text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "oci-archive", "oci" -> OCI_ARCHIVE;
                case "oci-dir", "oci-directory", "oci-layout" -> OCI_DIRECTORY;
                case "docker-archive", "docker" -> DOCKER_ARCHIVE;
                default -> throw new IllegalArgumentException("'" + text + "' is not an output format; use oci-archive, oci-dir or docker-archive");
            };
        }
    }

    public static void write(BuiltImage image, String refName, Instant time, Path target) throws IOException {
        write(image, refName, time, target, Format.OCI_ARCHIVE);
    }

    public static void write(BuiltImage image, String refName, Instant time, Path target, Format format) throws IOException {
        TreeMap<String, BlobContent> files = format == Format.DOCKER_ARCHIVE ? dockerArchive(image, refName) : ociLayout(image, refName);
        if (format == Format.OCI_DIRECTORY) {
            writeDirectory(files, target);
        } else {
            writeTar(files, time, target);
        }
    }

    private static TreeMap<String, BlobContent> dockerArchive(BuiltImage image, String refName) throws IOException {
        if (image.platforms().size() != 1) {
            throw new IllegalArgumentException("a docker-archive holds one platform; build one platform, or use oci-archive for "
                    + image.platforms().size());
        }
        PlatformImage single = image.platforms().get(0);
        TreeMap<String, BlobContent> files = new TreeMap<>();
        ObjectNode entry = JSON.createArrayNode().addObject();
        String config = "blobs/sha256/" + Digests.hex(single.configDigest());
        files.put(config, new BlobContent(single.config(), null));
        entry.put("Config", config);
        var tags = entry.putArray("RepoTags");
        if (refName != null && !refName.isBlank()) {
            tags.add(refName);
        }
        var layers = entry.putArray("Layers");
        for (Layer layer : single.layers()) {
            String name = "blobs/sha256/" + Digests.hex(layer.digest());
            files.put(name, new BlobContent(null, layer.file()));
            layers.add(name);
        }
        files.put("manifest.json", new BlobContent(JSON.writeValueAsBytes(JSON.createArrayNode().add(entry)), null));
        return files;
    }

    private static TreeMap<String, BlobContent> ociLayout(BuiltImage image, String refName) throws IOException {
        TreeMap<String, BlobContent> blobs = new TreeMap<>();
        for (PlatformImage platform : image.platforms()) {
            for (Layer layer : platform.layers()) {
                blobs.put(Digests.hex(layer.digest()), new BlobContent(null, layer.file()));
            }
            blobs.put(Digests.hex(platform.configDigest()), new BlobContent(platform.config(), null));
            blobs.put(Digests.hex(platform.manifestDigest()), new BlobContent(platform.manifest(), null));
        }
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode entry = index.putArray("manifests").addObject();
        if (image.index() != null) {
            blobs.put(Digests.hex(image.digest()), new BlobContent(image.index(), null));
            entry.put("mediaType", "application/vnd.oci.image.index.v1+json");
            entry.put("digest", image.digest());
            entry.put("size", image.index().length);
        } else {
            PlatformImage single = image.platforms().get(0);
            entry.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            entry.put("digest", single.manifestDigest());
            entry.put("size", single.manifest().length);
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", single.platform().architecture());
            platform.put("os", single.platform().os());
            if (!single.platform().variant().isEmpty()) {
                platform.put("variant", single.platform().variant());
            }
        }
        if (refName != null && !refName.isBlank()) {
            entry.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        }
        TreeMap<String, BlobContent> files = new TreeMap<>();
        blobs.forEach((hex, content) -> files.put("blobs/sha256/" + hex, content));
        files.put("index.json", new BlobContent(JSON.writeValueAsBytes(index), null));
        files.put("oci-layout", new BlobContent("{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), null));
        return files;
    }

    private static void writeDirectory(TreeMap<String, BlobContent> files, Path target) throws IOException {
        Path staging = target.resolveSibling(target.getFileName() + ".partial");
        io.clusterimage.core.PathTrees.deleteTree(staging);
        for (var file : files.entrySet()) {
            Path path = staging.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            try (InputStream in = file.getValue().open()) {
                Files.copy(in, path);
            }
        }
        io.clusterimage.core.PathTrees.deleteTree(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Entries sorted, directories first where needed, fixed owners and times: same files, same bytes. */
    private static void writeTar(TreeMap<String, BlobContent> files, Instant time, Path target) throws IOException {
        long mtime = time.getEpochSecond();
        io.clusterimage.core.AtomicFiles.write(target, out -> {
            TarWriter tar = new TarWriter(out);
            java.util.Set<String> directories = new java.util.HashSet<>();
            for (var file : files.entrySet()) {
                String name = file.getKey();
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    String dir = name.substring(0, slash);
                    if (directories.add(dir)) {
                        tar.directory(dir, 0755, 0, 0, mtime);
                    }
                }
                try (InputStream in = file.getValue().open()) {
                    tar.file(name, 0644, 0, 0, mtime, file.getValue().size(), in);
                }
            }
            tar.finish();
        });
    }
}
