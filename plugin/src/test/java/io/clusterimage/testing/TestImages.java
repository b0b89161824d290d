package io.clusterimage.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.registry.Digests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Builds small but real images (gzip tar layers, OCI config, manifests and indexes) and pushes them
 * to a registry over the plain HTTP API, as the tests' own fixtures.
 */
public final class TestImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;

    public TestImages(String baseUrl, String username, String password) {
        this.baseUrl = baseUrl;
        this.authorization = username == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public TestImages(String baseUrl) {
        this(baseUrl, null, null);
    }

    /** A blob and its descriptor fields. */
    public record Blob(byte[] content, String digest, String mediaType) {
        public ObjectNode descriptor() {
            ObjectNode node = JSON.createObjectNode();
            node.put("mediaType", mediaType);
            node.put("digest", digest);
            node.put("size", content.length);
            return node;
        }
    }

    /** A gzip'd tar layer with one file of {@code size} pseudo-random bytes (deterministic per seed). */
    public static Blob layer(String fileName, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return layer(List.of(new Entry(fileName, '0', 0644, data, "")));
    }

    /**
     * One entry of a hand-made layer, its name written exactly as given (unsafe names included:
     * that is what some tests need).
     *
     * @param type {@code '0'} file, {@code '5'} directory, {@code '2'} symbolic link, {@code '1'} hard link
     */
    public record Entry(String name, char type, int mode, byte[] content, String linkName) {
        public static Entry file(String name, String content) {
            return new Entry(name, '0', 0644, content.getBytes(StandardCharsets.UTF_8), "");
        }

        public static Entry directory(String name) {
            return new Entry(name, '5', 0755, new byte[0], "");
        }

        public static Entry symlink(String name, String target) {
            return new Entry(name, '2', 0777, new byte[0], target);
        }

        public static Entry hardLink(String name, String target) {
            return new Entry(name, '1', 0644, new byte[0], target);
        }
    }

    /** A gzip'd tar layer of these entries, in this order (ustar headers, names up to 100 bytes). */
    public static Blob layer(List<Entry> entries) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Entry entry : entries) {
            byte[] header = new byte[512];
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(name, 0, header, 0, name.length);
            putOctal(header, 100, 8, entry.mode());
            putOctal(header, 108, 8, 0);
            putOctal(header, 116, 8, 0);
            putOctal(header, 124, 12, entry.content().length);
            putOctal(header, 136, 12, 0);
            header[156] = (byte) entry.type();
            byte[] link = entry.linkName().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(link, 0, header, 157, link.length);
            System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            putOctal(header, 148, 7, sum);
            tar.write(header);
            tar.write(entry.content());
            tar.write(new byte[(512 - entry.content().length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar.toByteArray());
        }
        byte[] content = gz.toByteArray();
        return new Blob(content, Digests.of(content), "application/vnd.oci.image.layer.v1.tar+gzip");
    }

    private static void putOctal(byte[] header, int offset, int length, long value) {
        String octal = String.format("%0" + (length - 1) + "o", value);
        byte[] bytes = octal.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
        header[offset + length - 1] = 0;
    }

    public static Blob config(String os, String architecture, List<Blob> layers) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture);
        config.put("os", os);
        config.putObject("config").putArray("Env").add("PATH=/bin");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (Blob layer : layers) {
            diffIds.add(Digests.of(gunzip(layer.content())));
        }
        byte[] content = JSON.writeValueAsBytes(config);
        return new Blob(content, Digests.of(content), "application/vnd.oci.image.config.v1+json");
    }

    private static byte[] gunzip(byte[] content) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(content))) {
            return in.readAllBytes();
        }
    }

    public static Blob manifest(Blob config, List<Blob> layers) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", config.descriptor());
        ArrayNode array = manifest.putArray("layers");
        layers.forEach(layer -> array.add(layer.descriptor()));
        manifest.putObject("annotations").put("org.example.test", "kept as served");
        // pretty-printed on purpose: a re-serializing client would change the digest
        byte[] content = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        return new Blob(content, Digests.of(content), "application/vnd.oci.image.manifest.v1+json");
    }

    /** An index whose entries name no platform (as an OCI layout's index.json names a nested index). */
    public static Blob index(List<Blob> entries) throws IOException {
        return index(entries, java.util.Collections.nCopies(entries.size(), null));
    }

    /**
     * An index over per-platform manifests (or indexes): each entry {@code [manifest, "linux/amd64"]},
     * a null platform for an entry without one.
     */
    public static Blob index(List<Blob> manifests, List<String> platforms) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode entries = index.putArray("manifests");
        for (int i = 0; i < manifests.size(); i++) {
            ObjectNode entry = manifests.get(i).descriptor();
            if (platforms.get(i) == null) {
                entries.add(entry);
                continue;
            }
            String[] platform = platforms.get(i).split("/");
            ObjectNode p = entry.putObject("platform");
            p.put("architecture", platform[1]);
            p.put("os", platform[0]);
            if (platform.length > 2) {
                p.put("variant", platform[2]);
            }
            entries.add(entry);
        }
        byte[] content = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
        return new Blob(content, Digests.of(content), "application/vnd.oci.image.index.v1+json");
    }

    /** A single-platform image pushed as {@code repository:tag}; returns its manifest. */
    public Blob pushImage(String repository, String tag, String platform, List<Blob> layers) throws IOException {
        String[] parts = platform.split("/");
        Blob config = config(parts[0], parts[1], layers);
        Blob manifest = manifest(config, layers);
        for (Blob layer : layers) {
            pushBlob(repository, layer);
        }
        pushBlob(repository, config);
        pushManifest(repository, tag == null ? manifest.digest() : tag, manifest);
        return manifest;
    }

    /** A multi-platform image: one manifest per platform (each with its own layer plus the shared ones). */
    public Blob pushIndex(String repository, String tag, List<String> platforms, List<Blob> sharedLayers, long seed) throws IOException {
        List<Blob> manifests = new ArrayList<>();
        long n = seed;
        for (String platform : platforms) {
            List<Blob> layers = new ArrayList<>(sharedLayers);
            layers.add(layer(platform.replace('/', '-') + ".bin", 4096, n++));
            manifests.add(pushImage(repository, null, platform, layers));
        }
        Blob index = index(manifests, platforms);
        pushManifest(repository, tag, index);
        return index;
    }

    public void pushBlob(String repository, Blob blob) throws IOException {
        HttpURLConnection start = open("POST", baseUrl + "/v2/" + repository + "/blobs/uploads/");
        start.setDoOutput(true);
        start.getOutputStream().close();
        expect(start, 202);
        String location = URI.create(baseUrl + "/").resolve(start.getHeaderField("Location")).toString();
        start.disconnect();
        HttpURLConnection put = open("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + blob.digest());
        put.setDoOutput(true);
        put.setRequestProperty("Content-Type", "application/octet-stream");
        try (OutputStream out = put.getOutputStream()) {
            out.write(blob.content());
        }
        expect(put, 201);
        put.disconnect();
    }

    public void pushManifest(String repository, String reference, Blob manifest) throws IOException {
        HttpURLConnection put = open("PUT", baseUrl + "/v2/" + repository + "/manifests/" + reference);
        put.setDoOutput(true);
        put.setRequestProperty("Content-Type", manifest.mediaType());
        try (OutputStream out = put.getOutputStream()) {
            out.write(manifest.content());
        }
        expect(put, 201);
        put.disconnect();
    }

    private HttpURLConnection open(String method, String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod(method);
        if (authorization != null) {
            connection.setRequestProperty("Authorization", authorization);
        }
        return connection;
    }

    private static void expect(HttpURLConnection connection, int status) throws IOException {
        int actual = connection.getResponseCode();
        if (actual != status) {
            InputStream error = connection.getErrorStream();
            String body = error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8);
            throw new IOException(connection.getRequestMethod() + " " + connection.getURL() + " -> " + actual + " " + body);
        }
    }

    /** GET a manifest and return its sha256 (what a client pulling from the registry would verify). */
    public static String manifestDigest(String baseUrl, String repository, String reference) throws IOException {
        HttpURLConnection get = (HttpURLConnection) URI.create(baseUrl + "/v2/" + repository + "/manifests/" + reference).toURL().openConnection();
        get.setRequestProperty("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
                + "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json");
        expect(get, 200);
        try (InputStream in = get.getInputStream()) {
            return Digests.of(in.readAllBytes());
        }
    }
}
