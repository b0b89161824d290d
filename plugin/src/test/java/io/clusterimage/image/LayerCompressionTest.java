package io.clusterimage.image;

import io.airlift.compress.zstd.ZstdInputStream;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compressed layer streams: what the layer writer writes through, read back by Java and by the real tools. */
@Tag("tools")
class LayerCompressionTest {

    private static final int MIB = 1 << 20;

    @Test
    void parsesTheThreeNamesAndRejectsOthers() {
        assertEquals(LayerCompression.GZIP, LayerCompression.parse(" GZIP "));
        assertEquals(LayerCompression.ZSTD, LayerCompression.parse("zstd"));
        assertEquals(LayerCompression.NONE, LayerCompression.parse("none"));
        assertEquals(LayerCompression.NONE, LayerCompression.parse("uncompressed"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerCompression.parse("xz"));
        assertTrue(e.getMessage().contains("gzip, zstd or none"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerCompression.parse(null));
    }

    @Test
    void mediaTypesAreTheOciLayerTypes() {
        assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", LayerCompression.GZIP.mediaType());
        assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", LayerCompression.ZSTD.mediaType());
        assertEquals("application/vnd.oci.image.layer.v1.tar", LayerCompression.NONE.mediaType());
    }

    @Test
    void everyCompressionRoundTripsInJavaForEmptySmallAndMultiMegabyteInputs() throws IOException {
        for (LayerCompression compression : LayerCompression.values()) {
            for (byte[] input : List.of(new byte[0], bytes("a"), mixed(MIB - 1), mixed(MIB), mixed(2 * MIB), mixed(9 * MIB + 3))) {
                byte[] compressed = compress(compression, input, 2, 64 * 1024);
                assertArrayEquals(input, decompress(compression, compressed), compression + ", " + input.length + " bytes");
            }
        }
        byte[] text = mixed(4 * MIB);
        assertTrue(compress(LayerCompression.GZIP, text, 2, 8192).length < text.length * 0.7);
        assertTrue(compress(LayerCompression.ZSTD, text, 2, 8192).length < text.length * 0.7);
        assertArrayEquals(text, compress(LayerCompression.NONE, text, 2, 8192), "none passes the bytes through");
    }

    @Test
    void zstdCompressesTextBetterThanGzipAsTheZstdToolDoes() throws IOException {
        // (aircompressor 2.0.3's own ZstdOutputStream wrote ~1.6 × gzip's size on such text)
        byte[] text = mixed(12 * MIB);
        int gzip = compress(LayerCompression.GZIP, text, 2, 65536).length;
        int zstd = compress(LayerCompression.ZSTD, text, 2, 65536).length;
        assertTrue(zstd < gzip, "zstd " + zstd + " bytes, gzip " + gzip);
    }

    @Test
    void outputDependsOnlyOnTheInputNotOnThreadsWriteSizesOrRuns() throws IOException {
        byte[] input = mixed(10 * MIB + 17);
        for (LayerCompression compression : LayerCompression.values()) {
            byte[] reference = compress(compression, input, 1, input.length);
            assertArrayEquals(reference, compress(compression, input, 1, input.length), compression + ": second run");
            assertArrayEquals(reference, compress(compression, input, 2, 1), compression + ": single bytes, 2 threads");
            assertArrayEquals(reference, compress(compression, input, 8, 100_003), compression + ": odd writes, 8 threads");
            assertArrayEquals(reference, compress(compression, input, 3, 3 * MIB + 1), compression + ": large writes, 3 threads");
        }
    }

    @Test
    void closeFinishesTheLayerButLeavesTheTargetOpenForTheRestOfTheFile() throws IOException {
        for (LayerCompression compression : LayerCompression.values()) {
            CloseTracking target = new CloseTracking();
            target.write(bytes("before|"));
            byte[] input = mixed(2 * MIB + 5);
            OutputStream layer = compression.compress(target, 2);
            layer.write(input);
            layer.close();
            layer.close(); // idempotent
            int end = target.size();
            target.write(bytes("|after"));

            assertFalse(target.closed, compression + " closed its target");
            assertTrue(target.flushed, compression + " did not flush its target on close");
            assertThrows(IOException.class, () -> layer.write(1), compression + ": write after close");
            byte[] whole = target.toByteArray();
            assertArrayEquals(input, decompress(compression, Arrays.copyOfRange(whole, 7, end)), compression.toString());
            assertEquals("|after", new String(whole, end, whole.length - end, StandardCharsets.UTF_8));
        }
    }

    @Test
    void theGzipAndZstdToolsDecompressTheLayers(@TempDir Path dir) throws Exception {
        Path gzip = Tools.require("gzip");
        Path zstd = Tools.require("zstd");
        for (byte[] input : List.of(new byte[0], mixed(2 * MIB), mixed(3 * MIB + 11))) {
            Path gz = dir.resolve("layer.tar.gz");
            Files.write(gz, compress(LayerCompression.GZIP, input, 2, 100_000));
            assertArrayEquals(input, runAndRead(gzip.toString(), "-dc", gz.toString()), "gzip -dc, " + input.length);

            Path zst = dir.resolve("layer.tar.zst");
            Files.write(zst, compress(LayerCompression.ZSTD, input, 2, 100_000));
            runAndRead(zstd.toString(), "-q", "-t", zst.toString());
            assertArrayEquals(input, runAndRead(zstd.toString(), "-q", "-dc", zst.toString()), "zstd -dc, " + input.length);
        }
    }

    // --- helpers

    private static byte[] compress(LayerCompression compression, byte[] input, int threads, int writeSize) throws IOException {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(target, threads)) {
            if (writeSize == 1) {
                for (byte b : input) {
                    out.write(b);
                }
            } else {
                for (int offset = 0; offset < input.length; offset += writeSize) {
                    out.write(input, offset, Math.min(writeSize, input.length - offset));
                }
            }
        }
        return target.toByteArray();
    }

    private static byte[] decompress(LayerCompression compression, byte[] bytes) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        InputStream decompressed = switch (compression) {
            case GZIP -> new GZIPInputStream(in);
            case ZSTD -> new ZstdInputStream(in);
            case NONE -> in;
        };
        try (decompressed) {
            return decompressed.readAllBytes();
        }
    }

    private static byte[] runAndRead(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertEquals(0, process.waitFor(), String.join(" ", command));
        return stdout;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Alternating pieces of YAML-like text and random bytes, as a layer of charts and binaries. */
    private static byte[] mixed(int size) {
        Random random = new Random(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
        int n = 0;
        while (out.size() < size) {
            if (n % 4 == 3) {
                byte[] noise = new byte[50_000];
                random.nextBytes(noise);
                out.writeBytes(noise);
            } else {
                for (int i = 0; i < 200; i++) {
                    out.writeBytes(bytes("- name: service-" + random.nextInt(1000) + "\n  image: registry.example.com/app:"
                            + random.nextInt(50) + "\n  replicas: " + random.nextInt(9) + "\n"));
                }
            }
            n++;
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    private static final class CloseTracking extends ByteArrayOutputStream {
        boolean closed;
        boolean flushed;

        @Override
        public void flush() {
            flushed = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
