package io.clusterimage.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    public static void write(BuiltImage image, String refName, Instant time, Path target) throws IOException {
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
        byte[] indexJson = JSON.writeValueAsBytes(index);
        byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

        long mtime = time.getEpochSecond();
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
                TarWriter tar = new TarWriter(out);
                tar.directory("blobs", 0755, 0, 0, mtime);
                tar.directory("blobs/sha256", 0755, 0, 0, mtime);
                for (var blob : blobs.entrySet()) {
                    try (InputStream in = blob.getValue().open()) {
                        tar.file("blobs/sha256/" + blob.getKey(), 0644, 0, 0, mtime, blob.getValue().size(), in);
                    }
                }
                tar.file("index.json", 0644, 0, 0, mtime, indexJson.length, new ByteArrayInputStream(indexJson));
                tar.file("oci-layout", 0644, 0, 0, mtime, layout.length, new ByteArrayInputStream(layout));
                tar.finish();
            }
            try {
                // createTempFile makes it private; the archive is an ordinary build output
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the default permissions are fine
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
