package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A build context written in code for one test, plus assertions on the findings it produces.
 *
 * <p>The context is {@code <temp>/ctx}, so tests can put files "outside the context" in {@code <temp>}.
 */
final class LayoutFixture {

    final Path root;
    final Path context;

    LayoutFixture(Path temp) {
        this.root = temp;
        this.context = temp.resolve("ctx");
        try {
            Files.createDirectories(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code Kubefile}, one instruction per argument, each followed by a newline. */
    LayoutFixture kubefile(String... lines) {
        return file("Kubefile", lines(lines));
    }

    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    LayoutFixture file(String relative, String content) {
        return bytes(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    LayoutFixture bytes(String relative, byte[] content) {
        try {
            Path target = context.resolve(relative);
            Files.createDirectories(target.getParent());
            Files.write(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    LayoutFixture dir(String relative) {
        try {
            Files.createDirectories(context.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A minimal valid chart directory {@code charts/<dir>} whose Chart.yaml is named {@code name}. */
    LayoutFixture chartDir(String dir, String name) {
        return file("charts/" + dir + "/Chart.yaml", lines("apiVersion: v2", "name: " + name, "version: 0.1.0"))
                .file("charts/" + dir + "/values.yaml", "replicaCount: 1\n")
                .file("charts/" + dir + "/templates/deployment.yaml", "image: nginx:1.25\n");
    }

    Layout read() throws IOException {
        return LayoutReader.read(LayoutOptions.of(context));
    }

    Layout read(LayoutOptions options) throws IOException {
        return LayoutReader.read(options);
    }

    // ---- assertions ----

    /** {@code ERROR copy.missing-source Kubefile:2} for each finding, in report order. */
    static List<String> summaries(Layout layout) {
        return layout.findings().stream().map(LayoutFixture::summary).toList();
    }

    static String summary(Finding f) {
        return f.severity() + " " + f.code() + " " + f.location();
    }

    /** The layout produces exactly these findings (as {@link #summary}), in this order. */
    static void assertFindings(Layout layout, String... expected) {
        assertEquals(List.of(expected), summaries(layout), () -> describeAll(layout));
    }

    static void assertNoFindings(Layout layout) {
        assertFindings(layout);
    }

    /**
     * Exactly one finding has this code, file and line; it has this severity and its message
     * contains {@code phrase}. Returns it for further checks.
     */
    static Finding assertFinding(Layout layout, Severity severity, String code, String file, int line, String phrase) {
        List<Finding> matching = layout.findings().stream()
                .filter(f -> f.code().equals(code) && f.file() != null
                        && f.file().toString().replace('\\', '/').equals(file) && f.line() == line)
                .toList();
        if (matching.size() != 1) {
            fail("expected one " + code + " at " + file + ":" + line + ", got " + matching.size() + "\n" + describeAll(layout));
        }
        Finding finding = matching.get(0);
        assertEquals(severity, finding.severity(), finding::describe);
        assertTrue(finding.message().contains(phrase),
                () -> "message should contain \"" + phrase + "\": " + finding.describe());
        assertTrue(!finding.fix().isBlank(), () -> "every finding says what to do: " + finding.describe());
        return finding;
    }

    static void assertNoFinding(Layout layout, String code) {
        assertTrue(layout.findings().stream().noneMatch(f -> f.code().equals(code)), () -> describeAll(layout));
    }

    static String describeAll(Layout layout) {
        return layout.findings().stream().map(f -> "  " + f.severity() + " " + f.code() + " " + f.describe())
                .collect(Collectors.joining("\n", "findings:\n", ""));
    }

    // ---- chart archives ----

    /** A gzip-compressed tar of these regular files, in this order (a tiny ustar writer). */
    static byte[] tgz(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(tar(files));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] tgz(String... nameContentPairs) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameContentPairs.length; i += 2) {
            files.put(nameContentPairs[i], nameContentPairs[i + 1]);
        }
        return tgz(files);
    }

    static byte[] tar(Map<String, String> files) {
        TarWriter tar = new TarWriter();
        files.forEach(tar::file);
        return tar.finish();
    }

    /** Writes ustar entries: regular files, directories, GNU long names and PAX path records. */
    static final class TarWriter {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        TarWriter file(String name, String content) {
            return entry(name, '0', content.getBytes(StandardCharsets.UTF_8));
        }

        TarWriter directory(String name) {
            return entry(name.endsWith("/") ? name : name + "/", '5', new byte[0]);
        }

        /** A GNU {@code ././@LongLink} entry naming the next entry. */
        TarWriter gnuLongName(String name) {
            return entry("././@LongLink", 'L', (name + "\0").getBytes(StandardCharsets.UTF_8));
        }

        /** A PAX extended header with a {@code path} record for the next entry. */
        TarWriter paxPath(String name) {
            String body = " path=" + name + "\n";
            int length = body.length();
            String record = length + body;
            while (record.length() != Integer.parseInt(record.substring(0, record.indexOf(' ')))) {
                length++;
                record = length + body;
            }
            return entry("PaxHeaders/x", 'x', record.getBytes(StandardCharsets.UTF_8));
        }

        TarWriter entry(String name, char type, byte[] content) {
            byte[] header = new byte[512];
            put(header, 0, 100, name);
            put(header, 100, 8, "0000644");
            put(header, 108, 8, "0000000");
            put(header, 116, 8, "0000000");
            put(header, 124, 12, String.format("%011o", content.length));
            put(header, 136, 12, String.format("%011o", 0));
            header[156] = (byte) type;
            put(header, 257, 6, "ustar");
            put(header, 263, 2, "00");
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, 7, String.format("%06o", sum));
            write(header);
            write(content);
            write(new byte[(512 - content.length % 512) % 512]);
            return this;
        }

        byte[] finish() {
            write(new byte[1024]);
            return out.toByteArray();
        }

        private void write(byte[] data) {
            out.write(data, 0, data.length);
        }

        private static void put(byte[] header, int offset, int length, String value) {
            byte[] raw = value.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(raw, 0, header, offset, Math.min(raw.length, length));
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
