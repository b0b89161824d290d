package io.clusterimage.inventory;

import io.clusterimage.core.Finding;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Builds small build contexts and charts in temporary directories, and scans them. */
final class ScanFixtures {

    private ScanFixtures() {
    }

    /** Writes {@code content} to {@code root/relative}, creating parent directories. */
    static Path write(Path root, String relative, String content) {
        Path file = root.resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A build context with a minimal Kubefile. */
    static Path context(Path root) {
        write(root, "Kubefile", "FROM scratch\nCOPY . .\nCMD [\"kubectl apply -f manifests\"]\n");
        return root;
    }

    static ImageInventory scan(Path context, Path workDir) throws IOException {
        return scan(context, ScanOptions.defaults(workDir));
    }

    static ImageInventory scan(Path context, ScanOptions options) throws IOException {
        Layout layout = LayoutReader.read(LayoutOptions.of(context));
        return ImageScanner.scan(layout, options);
    }

    static InventoryImage image(ImageInventory inventory, String canonical) {
        return inventory.images().stream().filter(i -> i.canonical().equals(canonical)).findFirst()
                .orElseThrow(() -> new AssertionError(canonical + " not in " + inventory.canonicalReferences()
                        + "; findings: " + describe(inventory.findings())));
    }

    static List<Finding> findings(ImageInventory inventory, String code) {
        return inventory.findings().stream().filter(f -> f.code().equals(code)).toList();
    }

    static List<String> describe(List<Finding> findings) {
        return findings.stream().map(f -> f.severity() + " " + f.code() + " " + f.describe()).toList();
    }

    // ---- charts ----

    /** A chart directory {@code root/<dir>} with a Chart.yaml and the given files (relative to the chart). */
    static Path chart(Path root, String dir, String name, Map<String, String> files) {
        Path chart = root.resolve(dir);
        write(chart, "Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\n");
        files.forEach((path, content) -> write(chart, path, content));
        return chart;
    }

    static Map<String, String> files(String... pathsAndContents) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return files;
    }

    /** A Pod template whose only container runs {@code image} (a Helm expression or a literal). */
    static String pod(String name, String image) {
        return "apiVersion: v1\n"
                + "kind: Pod\n"
                + "metadata:\n"
                + "  name: " + name + "\n"
                + "spec:\n"
                + "  containers:\n"
                + "  - name: main\n"
                + "    image: " + image + "\n";
    }

    /** Every file under {@code root} with its SHA-256, to prove a tree was left alone. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.toList()) {
                String key = root.relativize(path).toString().replace('\\', '/');
                if (Files.isDirectory(path)) {
                    files.put(key + "/", "dir");
                } else {
                    files.put(key, sha256(Files.readAllBytes(path)));
                }
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- a tiny tar writer, enough for chart archives ----

    /** Writes a gzipped ustar archive of {@code entries} (name to content, in order). */
    static void tgz(Path target, Map<String, String> entries) throws IOException {
        Files.createDirectories(target.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                byte[] content = entry.getValue().getBytes(StandardCharsets.UTF_8);
                out.write(tarHeader(entry.getKey(), content.length));
                out.write(content);
                out.write(new byte[(512 - content.length % 512) % 512]);
            }
            out.write(new byte[1024]);
        }
    }

    private static byte[] tarHeader(String name, long size) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            throw new IllegalArgumentException("name too long for this tiny tar writer: " + name);
        }
        byte[] header = new byte[512];
        System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, size);
        octal(header, 136, 12, 1_700_000_000L);
        header[156] = '0';
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 257, magic.length);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        byte[] sum = String.format("%06o", checksum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sum, 0, header, 148, sum.length);
        header[154] = 0;
        header[155] = ' ';
        return header;
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String text = String.format("%0" + (length - 1) + "o", value);
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
        header[offset + length - 1] = 0;
    }
}
