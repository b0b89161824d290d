package io.clusterimage.core;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static io.clusterimage.core.ParallelGzipOutputStream.BLOCK_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("tools")
class ParallelGzipOutputStreamTest {

    private static final int[] SIZES = {0, 1, 100, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 1, 2 * BLOCK_SIZE,
            3 * BLOCK_SIZE + 12_345, 5 * BLOCK_SIZE + 777};

    /** How the input is handed to write(): the output must not depend on it. */
    enum WritePattern { WHOLE_ARRAY, SINGLE_BYTES, ODD_CHUNKS }

    @Test
    void roundTripsRandomTextAndZeroInputsOfEverySizeAroundTheBlockBoundaries() throws IOException {
        for (int size : SIZES) {
            for (byte[] input : List.of(randomBytes(size, size), textLike(size), new byte[size])) {
                byte[] gzip = compress(input, 3, WritePattern.ODD_CHUNKS);
                assertArrayEquals(input, gunzip(gzip), "size " + size);
            }
        }
    }

    @Test
    void outputIsTheSameForAnyThreadCountWritePatternAndRun() throws IOException {
        for (int size : new int[] {0, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 1, 4 * BLOCK_SIZE + 99}) {
            byte[] input = mixed(size);
            byte[] reference = compress(input, 1, WritePattern.WHOLE_ARRAY);
            for (int threads : new int[] {1, 2, 8}) {
                for (WritePattern pattern : WritePattern.values()) {
                    assertArrayEquals(reference, compress(input, threads, pattern),
                            "size " + size + ", " + threads + " threads, " + pattern);
                }
            }
            assertArrayEquals(reference, compress(input, 8, WritePattern.ODD_CHUNKS), "second run, size " + size);
            assertArrayEquals(input, gunzip(reference));
        }
    }

    @Test
    void headerIsFixedAndTrailerHoldsCrcAndSize() throws IOException {
        byte[] input = "hello, layer\n".getBytes(StandardCharsets.UTF_8);
        byte[] gzip = compress(input, 2, WritePattern.WHOLE_ARRAY);

        // magic, deflate, no flags, mtime 0, no extra flags, OS "unknown": the same on every machine
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, Arrays.copyOf(gzip, 10));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(input);
        byte[] trailer = Arrays.copyOfRange(gzip, gzip.length - 8, gzip.length);
        assertEquals(crc.getValue(), littleEndian(trailer, 0));
        assertEquals(input.length, littleEndian(trailer, 4));
    }

    @Test
    void theGzipToolAcceptsItAndGivesTheInputBack(@TempDir Path dir) throws Exception {
        Path gzipTool = Tools.require("gzip");
        for (int size : new int[] {0, BLOCK_SIZE, 3 * BLOCK_SIZE + 5}) {
            byte[] input = mixed(size);
            Path file = dir.resolve("layer-" + size + ".tar.gz");
            Files.write(file, compress(input, 2, WritePattern.ODD_CHUNKS));

            assertEquals(0, run(List.of(gzipTool.toString(), "-t", file.toString()), null).exitCode, "gzip -t, size " + size);
            Result decompressed = run(List.of(gzipTool.toString(), "-dc", file.toString()), null);
            assertEquals(0, decompressed.exitCode);
            assertArrayEquals(input, decompressed.stdout, "gzip -dc, size " + size);
        }
    }

    @Test
    void ratioOnTextIsWithinOnePercentOfGzipOutputStreamAtTheSameLevel() throws IOException {
        byte[] input = textLike(6 * BLOCK_SIZE);
        for (int level : new int[] {Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION == -1 ? 6 : Deflater.DEFAULT_COMPRESSION}) {
            ByteArrayOutputStream jdk = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(jdk) {
                {
                    def.setLevel(level);
                }
            }) {
                gzip.write(input);
            }
            ByteArrayOutputStream parallel = new ByteArrayOutputStream();
            try (ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(parallel, level, 2)) {
                gzip.write(input);
            }
            double ratio = (double) parallel.size() / jdk.size();
            assertTrue(ratio < 1.01, "level " + level + ": " + parallel.size() + " bytes against " + jdk.size());
        }
    }

    @Test
    void eachBlockSeesTheEndOfThePreviousOneAsDictionary() throws IOException {
        // 20 KiB of random bytes, repeated: only back-references make it compressible, and each
        // block's first 20 KiB can only refer back into the previous block
        byte[] pattern = randomBytes(20 * 1024, 5);
        byte[] input = new byte[4 * BLOCK_SIZE];
        for (int offset = 0; offset < input.length; offset += pattern.length) {
            System.arraycopy(pattern, 0, input, offset, Math.min(pattern.length, input.length - offset));
        }
        byte[] gzip = compress(input, 2, WritePattern.WHOLE_ARRAY);
        ByteArrayOutputStream jdk = new ByteArrayOutputStream();
        try (GZIPOutputStream single = new GZIPOutputStream(jdk) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            single.write(input);
        }

        // without the dictionary every block would pay for a literal copy of the pattern (~1.8 × here)
        assertTrue(gzip.length < jdk.size() * 1.02, gzip.length + " bytes against " + jdk.size());
        assertArrayEquals(input, gunzip(gzip));
    }

    @Test
    void finishLeavesTheUnderlyingStreamOpenAndCloseClosesIt() throws Exception {
        CloseTrackingStream target = new CloseTrackingStream();
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(target, Deflater.BEST_SPEED, 2);
        byte[] input = mixed(BLOCK_SIZE + 10);
        gzip.write(input);
        gzip.finish();
        gzip.flush(); // allowed after finish(), as for GZIPOutputStream
        assertFalse(target.closed);
        assertTrue(gzip.threadsStopped(), "finish() stops the threads");
        int gzipLength = target.size();
        target.write(new byte[] {1, 2, 3}); // the caller goes on writing the larger file

        assertThrows(IOException.class, () -> gzip.write(1));
        gzip.close();
        assertTrue(target.closed);
        gzip.close(); // twice is fine
        assertArrayEquals(input, gunzip(Arrays.copyOf(target.toByteArray(), gzipLength)));
    }

    @Test
    void aStreamShorterThanOneBlockStartsNoThreadAndThreadsEndOnClose() throws Exception {
        ParallelGzipOutputStream small = new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 1, 4);
        small.write(new byte[BLOCK_SIZE - 1]);
        small.close();
        assertEquals(0, small.threadsStarted());

        ParallelGzipOutputStream large = new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 1, 4);
        large.write(mixed(8 * BLOCK_SIZE));
        assertTrue(large.threadsStarted() > 0);
        large.close();
        assertTrue(large.threadsStopped());
        assertEquals(List.of(), liveGzipThreads());
    }

    @Test
    void aFailingDeflateSurfacesAsIOExceptionAndStopsTheThreads() throws Exception {
        // the 3rd block fails; the last one (deflated on the writing thread) fails too
        for (int failingBlock : new int[] {3, 11}) {
            for (int threads : new int[] {1, 2}) {
                AtomicInteger blocks = new AtomicInteger();
                ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(new ByteArrayOutputStream(), () -> {
                    if (blocks.incrementAndGet() == failingBlock) {
                        throw new IllegalStateException("deflater broke on purpose");
                    }
                    return new Deflater(1, true);
                }, threads);
                byte[] chunk = mixed(BLOCK_SIZE / 2);

                IOException failure = assertThrows(IOException.class, () -> {
                    try (gzip) {
                        for (int i = 0; i < 20; i++) { // 10 full blocks and an empty last one
                            gzip.write(chunk);
                        }
                    }
                }, "block " + failingBlock + ", " + threads + " threads");
                assertTrue(rootCause(failure).getMessage().contains("deflater broke on purpose"), failure.toString());
                assertThrows(IOException.class, () -> gzip.write(1));
                assertTrue(gzip.threadsStopped());
                assertEquals(List.of(), liveGzipThreads());
            }
        }
    }

    @Test
    void aFailingUnderlyingStreamSurfacesAsIOExceptionAndCloseStillStopsTheThreads() throws Exception {
        OutputStream failing = new OutputStream() {
            long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 2L * BLOCK_SIZE) {
                    throw new IOException("disk full on purpose");
                }
            }
        };
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(failing, 1, 2);
        byte[] incompressible = randomBytes(BLOCK_SIZE, 7);

        IOException failure = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 20; i++) {
                gzip.write(incompressible);
            }
            gzip.finish();
        });
        assertTrue(rootCause(failure).getMessage().contains("disk full on purpose"), failure.toString());
        assertThrows(IOException.class, gzip::close); // the gzip stream is incomplete: close says so
        assertTrue(gzip.threadsStopped());
        assertEquals(List.of(), liveGzipThreads());
    }

    @Test
    void aWriterFasterThanTheDeflateThreadsWaitsWithAtMostTwoBlocksPerThreadInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger deflatersMade = new AtomicInteger();
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        int threads = 2;
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(target, () -> {
            deflatersMade.incrementAndGet();
            try {
                release.await(); // every deflate task waits here until released
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new Deflater(1, true);
        }, threads);
        byte[] input = mixed(20 * BLOCK_SIZE);
        AtomicLong accepted = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (gzip) {
                for (int offset = 0; offset < input.length; offset += 64 * 1024) {
                    gzip.write(input, offset, 64 * 1024);
                    accepted.addAndGet(64 * 1024);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        try {
            while (deflatersMade.get() < threads) {
                Thread.sleep(10);
            }
            Thread.sleep(300); // a writer without back-pressure would hand over all 20 blocks meanwhile

            assertTrue(writer.isAlive(), "the writer should be waiting for the deflate threads");
            // 2 × threads blocks handed over, plus the one being filled
            assertTrue(accepted.get() <= (2L * threads + 1) * BLOCK_SIZE, accepted.get() + " bytes accepted");
        } finally {
            release.countDown();
        }
        writer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(writer.isAlive());
        assertEquals(input.length, accepted.get());
        assertArrayEquals(input, gunzip(target.toByteArray()));
    }

    @Test
    void rejectsBadArguments() {
        OutputStream sink = OutputStream.nullOutputStream();
        assertThrows(IllegalArgumentException.class, () -> new ParallelGzipOutputStream(sink, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParallelGzipOutputStream(sink, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParallelGzipOutputStream(sink, 1, 0));
    }

    // --- helpers

    static byte[] compress(byte[] input, int threads, WritePattern pattern) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(out, Deflater.BEST_SPEED, threads)) {
            writeWith(gzip, input, pattern);
        }
        return out.toByteArray();
    }

    static void writeWith(OutputStream out, byte[] input, WritePattern pattern) throws IOException {
        switch (pattern) {
            case WHOLE_ARRAY -> out.write(input);
            case SINGLE_BYTES -> {
                for (byte b : input) {
                    out.write(b);
                }
            }
            case ODD_CHUNKS -> {
                // lengths from 1 byte to 2.5 MiB, some crossing block boundaries, some ending on them
                Random random = new Random(input.length);
                int offset = 0;
                while (offset < input.length) {
                    int length = Math.min(input.length - offset,
                            random.nextBoolean() ? 1 + random.nextInt(100) : 1 + random.nextInt(BLOCK_SIZE * 5 / 2));
                    out.write(input, offset, length);
                    offset += length;
                }
            }
        }
    }

    static byte[] gunzip(byte[] gzip) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** YAML-like manifests: repetitive, compressible about 5-10 ×, as a layer of charts is. */
    static byte[] textLike(int size) {
        Random random = new Random(size);
        StringBuilder text = new StringBuilder(size + 200);
        int n = 0;
        while (text.length() < size) {
            text.append("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-").append(n++)
                    .append("\n  labels:\n    app.kubernetes.io/name: service-").append(random.nextInt(500))
                    .append("\nspec:\n  replicas: ").append(1 + random.nextInt(5))
                    .append("\n  template:\n    spec:\n      containers:\n        - name: main\n          image: registry.example.com/team/app:")
                    .append(random.nextInt(100)).append('.').append(random.nextInt(100))
                    .append("\n          resources: {limits: {memory: ").append(64 * (1 + random.nextInt(16))).append("Mi}}\n---\n");
        }
        return Arrays.copyOf(text.toString().getBytes(StandardCharsets.UTF_8), size);
    }

    /** Half random, half text, interleaved in 300 KiB pieces (not aligned with the blocks). */
    static byte[] mixed(int size) {
        byte[] text = textLike(size);
        byte[] random = randomBytes(size, 42);
        byte[] mixed = new byte[size];
        int piece = 300 * 1024;
        for (int offset = 0; offset < size; offset += piece) {
            byte[] source = (offset / piece) % 2 == 0 ? text : random;
            System.arraycopy(source, offset, mixed, offset, Math.min(piece, size - offset));
        }
        return mixed;
    }

    private static long littleEndian(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 3; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The compression threads still alive, once those that were told to stop had two seconds to do so: a
     * pool reports itself terminated when its workers leave their loop, a moment before the threads end.
     */
    private static List<String> liveGzipThreads() throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            List<String> names = new ArrayList<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().startsWith("parallel-gzip-") && thread.isAlive()) {
                    names.add(thread.getName());
                }
            }
            if (names.isEmpty() || System.nanoTime() > deadline) {
                return names;
            }
            Thread.sleep(10);
        }
    }

    record Result(int exitCode, byte[] stdout) {
    }

    static Result run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process = builder.start();
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            }
        }
        byte[] stdout = process.getInputStream().readAllBytes();
        return new Result(process.waitFor(), stdout);
    }

    private static final class CloseTrackingStream extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
