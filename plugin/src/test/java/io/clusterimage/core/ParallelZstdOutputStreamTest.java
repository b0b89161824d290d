package io.clusterimage.core;

import io.airlift.compress.zstd.ZstdInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import static io.clusterimage.core.ParallelZstdOutputStream.BLOCK_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zstd specifics; the shared block machinery is tested through ParallelGzipOutputStreamTest. */
class ParallelZstdOutputStreamTest {

    /** The zstd frame magic number, little-endian. */
    private static final byte[] MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

    @Test
    void oneFramePerBlockAndNoEmptyFrameWhenTheInputEndsOnABoundary() throws Exception {
        byte[] input = ParallelGzipOutputStreamTest.mixed(3 * BLOCK_SIZE);
        byte[] zstd = compress(input, 2);

        assertEquals(3, count(zstd, MAGIC), "frames");
        assertArrayEquals(input, decompress(zstd));
        assertArrayEquals(zstd, compress(input, 1), "1 thread");
    }

    @Test
    void anEmptyInputIsOneEmptyFrame() throws IOException {
        byte[] zstd = compress(new byte[0], 2);

        assertEquals(1, count(zstd, MAGIC));
        assertArrayEquals(new byte[0], decompress(zstd));
    }

    @Test
    void threadsEndWithTheStream() throws Exception {
        ParallelZstdOutputStream zstd = new ParallelZstdOutputStream(new ByteArrayOutputStream(), 2);
        zstd.write(ParallelGzipOutputStreamTest.randomBytes(5 * BLOCK_SIZE, 3));
        assertTrue(zstd.threadsStarted() > 0);
        zstd.finish();
        assertTrue(zstd.threadsStopped());
    }

    private static byte[] compress(byte[] input, int threads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelZstdOutputStream zstd = new ParallelZstdOutputStream(out, threads)) {
            zstd.write(input);
        }
        return out.toByteArray();
    }

    private static byte[] decompress(byte[] zstd) throws IOException {
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(zstd))) {
            return in.readAllBytes();
        }
    }

    private static int count(byte[] haystack, byte[] needle) {
        int count = 0;
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }
}
