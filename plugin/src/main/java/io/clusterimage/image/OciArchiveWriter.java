package io.clusterimage.image;

import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.Digests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a built image whose layers are files (built into a {@link DirectoryBlobSink}) in one of the
 * output formats: an OCI archive ({@link OciArchive}, the same bytes as one written while building), an
 * OCI image layout directory, or a docker-archive. Entries carry fixed owners and times, so the same
 * image gives the same bytes.
 */
public final class OciArchiveWriter {

    private OciArchiveWriter() {
    }

    /** A blob to write: bytes in memory (JSON documents) or a file (layers). */
    record BlobContent(byte[] bytes, Path file) {
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
            return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
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
        write(image, refName, time, target, format, List.of());
    }

    /**
     * @param attachments stored beside the image (its signature); a docker-archive has no place for them
     * @throws IllegalArgumentException for attachments in a docker-archive, or several platforms in one
     */
    public static void write(BuiltImage image, String refName, Instant time, Path target, Format format,
                             List<Attachments.Attachment> attachments) throws IOException {
        if (format != Format.OCI_DIRECTORY) {
            try (OciArchive archive = format == Format.OCI_ARCHIVE ? OciArchive.create(target, time)
                    : OciArchive.createDocker(target, time, null)) {
                Map<String, Layer> byDigest = new HashMap<>();
                image.platforms().forEach(p -> p.layers().forEach(layer -> byDigest.putIfAbsent(layer.digest(), layer)));
                for (String digest : image.blobOrder()) { // the order of an archive written while building
                    archive.add(digest, layerFile(byDigest.get(digest)));
                }
                archive.finish(image, refName, attachments);
            }
        } else {
            try (OciDirectory directory = OciDirectory.create(target, null)) {
                for (PlatformImage platform : image.platforms()) {
                    for (Layer layer : platform.layers()) {
                        directory.add(layer.digest(), layerFile(layer));
                    }
                }
                directory.finish(image, refName, attachments);
            }
        }
    }

    private static Path layerFile(Layer layer) {
        if (layer.file() == null) {
            throw new IllegalArgumentException("layer " + layer.digest() + " was built into an archive and has no file of its own");
        }
        return layer.file();
    }

    /** Every file of the image's OCI layout, by its path in the layout; a layer's content is its file. */
    static TreeMap<String, BlobContent> ociLayout(BuiltImage image, String refName, List<Attachments.Attachment> attachments)
            throws IOException {
        TreeMap<String, BlobContent> files = new TreeMap<>();
        for (PlatformImage platform : image.platforms()) {
            for (Layer layer : platform.layers()) {
                files.put("blobs/sha256/" + Digests.hex(layer.digest()), new BlobContent(null, layerFile(layer)));
            }
            files.put("blobs/sha256/" + Digests.hex(platform.configDigest()), new BlobContent(platform.config(), null));
            files.put("blobs/sha256/" + Digests.hex(platform.manifestDigest()), new BlobContent(platform.manifest(), null));
        }
        if (image.index() != null) {
            files.put("blobs/sha256/" + Digests.hex(image.digest()), new BlobContent(image.index(), null));
        }
        String attachmentIndex = null;
        if (!attachments.isEmpty()) {
            for (Attachments.Attachment attachment : attachments) {
                for (byte[] blob : attachment.blobs()) {
                    files.put("blobs/sha256/" + Digests.hex(Digests.of(blob)), new BlobContent(blob, null));
                }
                files.put("blobs/sha256/" + Digests.hex(attachment.digest()), new BlobContent(attachment.manifest(), null));
            }
            byte[] index = Attachments.index(attachments);
            attachmentIndex = Digests.of(index);
            files.put("blobs/sha256/" + Digests.hex(attachmentIndex), new BlobContent(index, null));
        }
        files.put("index.json", new BlobContent(OciArchive.indexJson(image, refName, attachmentIndex), null));
        files.put("oci-layout", new BlobContent(OciArchive.layoutFile(), null));
        return files;
    }
}
