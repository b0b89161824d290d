package bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.registry.Digests;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes synthetic multi-arch images (an OCI index over linux/amd64 and linux/arm64) to a registry on
 * 127.0.0.1, streaming: layers are generated, hashed and uploaded in one pass, never held in memory
 * or written to a file here.
 *
 * <p>Usage: {@code PushImages <baseUrl> <repoPrefix> <images> <layerMiB> <sharedMiB> <seed>}.
 * Image {@code i} (1..images) is {@code <repoPrefix>-<i>:v1}. Per architecture, every image has one
 * layer of its own ({@code layerMiB}) on top of one layer all images share ({@code sharedMiB}); each
 * layer is a gzip'd tar of one file of pseudo-random (incompressible) bytes, gzip'd at level 0 so
 * generating it costs little CPU. Prints one line per image and a total.
 */
public final class PushImages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ARCHES = {"amd64", "arm64"};
    private static final long MIB = 1024 * 1024;

    private final String baseUrl;

    private PushImages(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A pushed blob: what a descriptor needs, plus the diff ID for layers. */
    private record Pushed(String digest, long size, String mediaType, String diffId) {
        ObjectNode descriptor() {
            ObjectNode node = JSON.createObjectNode();
            node.put("mediaType", mediaType);
            node.put("digest", digest);
            node.put("size", size);
            return node;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: PushImages <baseUrl> <repoPrefix> <images> <layerMiB> <sharedMiB> <seed>");
            System.exit(2);
        }
        PushImages pusher = new PushImages(args[0]);
        String prefix = args[1];
        int images = Integer.parseInt(args[2]);
        long layerBytes = (long) (Double.parseDouble(args[3]) * MIB);
        long sharedBytes = (long) (Double.parseDouble(args[4]) * MIB);
        long seed = Long.parseLong(args[5]);
        long start = System.nanoTime();
        long total = 0;
        Pushed[] shared = new Pushed[ARCHES.length];
        String sharedRepo = prefix + "-1";
        for (int a = 0; a < ARCHES.length; a++) {
            shared[a] = pusher.pushLayer(sharedRepo, "shared-" + ARCHES[a] + ".bin", sharedBytes, seed * 1000 + a);
            total += shared[a].size();
        }
        for (int i = 1; i <= images; i++) {
            String repo = prefix + "-" + i;
            List<Pushed> manifests = new ArrayList<>();
            long imageBytes = 0;
            for (int a = 0; a < ARCHES.length; a++) {
                if (!repo.equals(sharedRepo)) {
                    pusher.mount(repo, sharedRepo, shared[a].digest());
                }
                Pushed own = pusher.pushLayer(repo, "app-" + i + "-" + ARCHES[a] + ".bin", layerBytes, seed * 1000 + 100 + i * 10L + a);
                total += own.size();
                List<Pushed> layers = List.of(shared[a], own);
                Pushed config = pusher.pushBytes(repo, config(ARCHES[a], layers), "application/vnd.oci.image.config.v1+json");
                manifests.add(pusher.putManifest(repo, null, manifest(config, layers), "application/vnd.oci.image.manifest.v1+json"));
                imageBytes += shared[a].size() + own.size() + config.size();
            }
            Pushed index = pusher.putManifest(repo, "v1", index(manifests), "application/vnd.oci.image.index.v1+json");
            System.out.println(String.format(Locale.ROOT, "pushed %s:v1 %s (%.1f MiB both arches)", repo, index.digest(),
                    imageBytes / (double) MIB));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(Locale.ROOT, "pushed %d images, %.1f MiB of distinct layers, in %.1f s", images,
                total / (double) MIB, seconds));
    }

    // ---- image documents ----

    private static byte[] config(String arch, List<Pushed> layers) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", arch);
        config.put("os", "linux");
        config.putObject("config").putArray("Env").add("PATH=/bin");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.diffId()));
        return JSON.writeValueAsBytes(config);
    }

    private static byte[] manifest(Pushed config, List<Pushed> layers) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", config.descriptor());
        ArrayNode array = manifest.putArray("layers");
        layers.forEach(layer -> array.add(layer.descriptor()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    }

    private static byte[] index(List<Pushed> manifests) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode entries = index.putArray("manifests");
        for (int a = 0; a < manifests.size(); a++) {
            ObjectNode entry = manifests.get(a).descriptor();
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", ARCHES[a]);
            platform.put("os", "linux");
            entries.add(entry);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
    }

    // ---- layers ----

    /** Counts and hashes what goes through. */
    private static final class Hashing extends FilterOutputStream {
        final MessageDigest sha = Digests.sha256();
        long count;

        Hashing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha.update(b, off, len);
            count += len;
        }
    }

    /**
     * Generates a tar of one random file through gzip (level 0) twice: once to learn the digest and
     * size, then again straight into a monolithic upload (HttpURLConnection has no PATCH). The data
     * is deterministic per seed, and the second pass is checked against the first.
     */
    private Pushed pushLayer(String repo, String fileName, long size, long seed) throws IOException {
        Hashing[] first = writeLayer(OutputStream.nullOutputStream(), fileName, size, seed);
        String digest = Digests.format(first[0].sha);
        String location = startUpload(repo);
        HttpURLConnection put = open("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(first[0].count);
        put.setRequestProperty("Content-Type", "application/octet-stream");
        Hashing[] second;
        try (OutputStream body = put.getOutputStream()) {
            second = writeLayer(body, fileName, size, seed);
        }
        if (!Digests.format(second[0].sha).equals(digest)) {
            throw new IllegalStateException("layer generation is not deterministic");
        }
        expect(put, 201);
        put.disconnect();
        return new Pushed(digest, first[0].count, "application/vnd.oci.image.layer.v1.tar+gzip", Digests.format(first[1].sha));
    }

    /** Returns {compressed, tar} hashers. */
    private static Hashing[] writeLayer(OutputStream target, String fileName, long size, long seed) throws IOException {
        Hashing compressed = new Hashing(target);
        GZIPOutputStream gzip = new GZIPOutputStream(compressed, 1 << 16) {
            {
                def.setLevel(Deflater.NO_COMPRESSION);
            }
        };
        Hashing tar = new Hashing(gzip);
        tar.write(tarHeader(fileName, size));
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[1 << 20];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(buffer.length, left);
            random.nextBytes(buffer);
            tar.write(buffer, 0, n);
            left -= n;
        }
        tar.write(new byte[(int) ((512 - size % 512) % 512) + 1024]);
        gzip.finish();
        compressed.flush();
        return new Hashing[] {compressed, tar};
    }

    private static byte[] tarHeader(String fileName, long size) {
        byte[] header = new byte[512];
        byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, header, 0, name.length);
        putOctal(header, 100, 8, 0644);
        putOctal(header, 108, 8, 0);
        putOctal(header, 116, 8, 0);
        putOctal(header, 124, 12, size);
        putOctal(header, 136, 12, 0);
        header[156] = '0';
        System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        putOctal(header, 148, 7, sum);
        return header;
    }

    private static void putOctal(byte[] header, int offset, int length, long value) {
        byte[] bytes = String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
        header[offset + length - 1] = 0;
    }

    // ---- registry API ----

    private Pushed pushBytes(String repo, byte[] content, String mediaType) throws IOException {
        String digest = Digests.of(content);
        finishUpload(startUpload(repo), digest, content);
        return new Pushed(digest, content.length, mediaType, null);
    }

    private void mount(String repo, String from, String digest) throws IOException {
        HttpURLConnection post = open("POST", baseUrl + "/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from);
        post.setDoOutput(true);
        post.getOutputStream().close();
        expect(post, 201);
        post.disconnect();
    }

    private String startUpload(String repo) throws IOException {
        HttpURLConnection post = open("POST", baseUrl + "/v2/" + repo + "/blobs/uploads/");
        post.setDoOutput(true);
        post.getOutputStream().close();
        expect(post, 202);
        String location = resolve(post.getHeaderField("Location"));
        post.disconnect();
        return location;
    }

    private void finishUpload(String location, String digest, byte[] content) throws IOException {
        HttpURLConnection put = open("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        put.setDoOutput(true);
        put.setRequestProperty("Content-Type", "application/octet-stream");
        put.setFixedLengthStreamingMode(content.length);
        try (OutputStream out = put.getOutputStream()) {
            out.write(content);
        }
        expect(put, 201);
        put.disconnect();
    }

    private Pushed putManifest(String repo, String tag, byte[] content, String mediaType) throws IOException {
        String digest = Digests.of(content);
        HttpURLConnection put = open("PUT", baseUrl + "/v2/" + repo + "/manifests/" + (tag == null ? digest : tag));
        put.setDoOutput(true);
        put.setRequestProperty("Content-Type", mediaType);
        try (OutputStream out = put.getOutputStream()) {
            out.write(content);
        }
        expect(put, 201);
        put.disconnect();
        return new Pushed(digest, content.length, mediaType, null);
    }

    private String resolve(String location) {
        return URI.create(baseUrl + "/").resolve(location).toString();
    }

    private static HttpURLConnection open(String method, String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod(method);
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
}
