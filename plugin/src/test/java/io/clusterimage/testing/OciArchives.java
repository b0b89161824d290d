package io.clusterimage.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made OCI archives (an OCI image layout in a tar, as images/skopeo/tar.txt lists them): any
 * blobs and any index.json, so tests can build what real tools write (nested indexes) and what they
 * never should (malformed digests).
 */
public final class OciArchives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciArchives() {
    }

    /** An index.json with one entry: {@code top}, named {@code refName}. */
    public static byte[] indexJson(TestImages.Blob top, String refName) throws IOException {
        return indexJson(top.mediaType(), top.digest(), top.content().length, refName);
    }

    /** An index.json with one entry, written as given (the digest is not checked: tests pass bad ones). */
    public static byte[] indexJson(String mediaType, String digest, long size, String refName) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode entry = index.putArray("manifests").addObject();
        entry.put("mediaType", mediaType);
        entry.put("digest", digest);
        entry.put("size", size);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        return JSON.writeValueAsBytes(index);
    }

    /** Writes {@code file}: oci-layout, index.json, then every blob under blobs/sha256 (each once). */
    public static Path write(Path file, List<TestImages.Blob> blobs, byte[] indexJson) throws IOException {
        Map<String, byte[]> unique = new LinkedHashMap<>();
        blobs.forEach(blob -> unique.putIfAbsent(blob.digest(), blob.content()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file); TarWriter tar = new TarWriter(out)) {
            entry(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            entry(tar, "index.json", indexJson);
            tar.directory("blobs", 0755, 0, 0, 0);
            tar.directory("blobs/sha256", 0755, 0, 0, 0);
            for (Map.Entry<String, byte[]> blob : unique.entrySet()) {
                entry(tar, "blobs/sha256/" + Digests.hex(blob.getKey()), blob.getValue());
            }
        }
        return file;
    }

    private static void entry(TarWriter tar, String name, byte[] content) throws IOException {
        tar.file(name, 0644, 0, 0, 0, content.length, new ByteArrayInputStream(content));
    }
}
