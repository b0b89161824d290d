package bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Experiment, not the plugin's code: how long packaging a layout takes when every layer is written
 * once, straight into the OCI archive, and hashed once. A prototype of the change suggested in
 * bench/README.md for package-image, to measure what it would gain.
 *
 * <p>The plugin today writes each layer to {@code work/image/blobs/} (hashing the bytes twice: the blob
 * digest and the diff ID, which are the same bytes when the layer is uncompressed), then copies the file
 * into the archive: two reads, two writes and two SHA-256 passes over the registry tree. Here a layer's
 * tar entry in the archive is started with a placeholder header, the layer streams in behind it through
 * one digest, and the header (name = digest, size) is written in place afterwards: one read, one write,
 * one hash.
 *
 * <p>Usage: {@code OnePassArchive <contextDir> <archive> <dir>...}: one uncompressed layer per
 * {@code dir} (relative to the context, as {@code COPY dir dir}), a config with a CMD, linux/amd64, all
 * times the epoch, modes as the plugin normalizes them. Prints {@code onepass_ms}, {@code digest}.
 */
public final class OnePassArchive {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OnePassArchive() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: OnePassArchive <contextDir> <archive> <dir>...");
            System.exit(2);
        }
        Path context = Path.of(args[0]).toAbsolutePath().normalize();
        Path archive = Path.of(args[1]).toAbsolutePath().normalize();
        long start = System.nanoTime();
        Files.deleteIfExists(archive);
        List<String[]> layers = new ArrayList<>(); // digest, size
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(channel);
            directory(raw, "blobs/");
            directory(raw, "blobs/sha256/");
            for (int i = 2; i < args.length; i++) {
                layers.add(layer(channel, context, args[i]));
            }
            ObjectNode config = JSON.createObjectNode();
            config.put("created", "1970-01-01T00:00:00Z");
            config.put("architecture", "amd64");
            config.put("os", "linux");
            ObjectNode inner = config.putObject("config");
            inner.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            inner.putArray("Cmd").add("/bin/sh").add("-c").add("kubectl apply -f manifests/");
            ObjectNode rootfs = config.putObject("rootfs");
            rootfs.put("type", "layers");
            ArrayNode diffIds = rootfs.putArray("diff_ids");
            layers.forEach(layer -> diffIds.add(layer[0])); // uncompressed: the diff ID is the blob digest
            byte[] configBytes = JSON.writeValueAsBytes(config);
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            ObjectNode configDescriptor = manifest.putObject("config");
            configDescriptor.put("mediaType", "application/vnd.oci.image.config.v1+json");
            configDescriptor.put("digest", Digests.of(configBytes));
            configDescriptor.put("size", configBytes.length);
            ArrayNode layerArray = manifest.putArray("layers");
            for (String[] layer : layers) {
                ObjectNode descriptor = layerArray.addObject();
                descriptor.put("mediaType", "application/vnd.oci.image.layer.v1.tar");
                descriptor.put("digest", layer[0]);
                descriptor.put("size", Long.parseLong(layer[1]));
            }
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            ObjectNode index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", "application/vnd.oci.image.index.v1+json");
            ObjectNode entry = index.putArray("manifests").addObject();
            entry.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            entry.put("digest", Digests.of(manifestBytes));
            entry.put("size", manifestBytes.length);
            byte[] indexBytes = JSON.writeValueAsBytes(index);
            channel.position(channel.size());
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            TarWriter tar = new TarWriter(out);
            tar.file("blobs/sha256/" + Digests.hex(Digests.of(configBytes)), 0644, 0, 0, 0, configBytes.length,
                    new java.io.ByteArrayInputStream(configBytes));
            tar.file("blobs/sha256/" + Digests.hex(Digests.of(manifestBytes)), 0644, 0, 0, 0, manifestBytes.length,
                    new java.io.ByteArrayInputStream(manifestBytes));
            tar.file("index.json", 0644, 0, 0, 0, indexBytes.length, new java.io.ByteArrayInputStream(indexBytes));
            byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
            tar.file("oci-layout", 0644, 0, 0, 0, layout.length, new java.io.ByteArrayInputStream(layout));
            tar.finish();
            out.flush();
            System.out.println("digest=" + Digests.of(manifestBytes));
        }
        System.out.println(String.format(Locale.ROOT, "onepass_ms=%.1f", (System.nanoTime() - start) / 1e6));
    }

    /** One layer, {@code COPY dir dir}: placeholder header, the tar streamed and hashed, then the header. */
    private static String[] layer(FileChannel channel, Path context, String dir) throws IOException {
        long headerAt = channel.size();
        channel.position(headerAt + 512);
        MessageDigest sha = Digests.sha256();
        Counting counted = new Counting(new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024), sha));
        TarWriter tar = new TarWriter(counted);
        tar.directory(dir, 0755, 0, 0, 0);
        Path root = context.resolve(dir);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        for (Path path : paths) {
            String name = dir + "/" + root.relativize(path).toString().replace('\\', '/');
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                tar.directory(name, 0755, 0, 0, 0);
            } else {
                try (InputStream in = Files.newInputStream(path)) {
                    tar.file(name, Files.isExecutable(path) ? 0755 : 0644, 0, 0, 0, Files.size(path), in);
                }
            }
        }
        tar.finish();
        counted.flush();
        String digest = Digests.format(sha);
        long size = counted.count;
        long padding = (512 - size % 512) % 512;
        if (padding > 0) {
            channel.write(ByteBuffer.wrap(new byte[(int) padding]), headerAt + 512 + size);
        }
        channel.write(ByteBuffer.wrap(header("blobs/sha256/" + Digests.hex(digest), '0', 0644, size)), headerAt);
        channel.position(headerAt + 512 + size + padding);
        return new String[] {digest, Long.toString(size)};
    }

    private static void directory(OutputStream out, String name) throws IOException {
        out.write(header(name, '5', 0755, 0));
    }

    /** A ustar header (the name fits 100 bytes), as TarWriter writes them. */
    private static byte[] header(String name, char type, int mode, long size) {
        byte[] header = new byte[512];
        put(header, 0, name.getBytes(StandardCharsets.UTF_8));
        octal(header, 100, 8, mode);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, size);
        octal(header, 136, 12, 0);
        header[156] = (byte) type;
        put(header, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, "00".getBytes(StandardCharsets.US_ASCII));
        octal(header, 329, 8, 0);
        octal(header, 337, 8, 0);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII));
        header[154] = 0;
        header[155] = ' ';
        return header;
    }

    private static void put(byte[] header, int offset, byte[] value) {
        System.arraycopy(value, 0, header, offset, value.length);
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        put(header, offset, String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII));
        header[offset + length - 1] = 0;
    }

    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
