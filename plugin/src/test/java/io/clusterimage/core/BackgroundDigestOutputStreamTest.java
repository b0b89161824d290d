package io.clusterimage.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundDigestOutputStreamTest {

    private static MessageDigest sha256() throws Exception {
        return MessageDigest.getInstance("SHA-256");
    }

    @Test
    void theDigestAndTheBytesAreThoseOfTheInputWhateverTheSizesOfTheWrites() throws Exception {
        Random random = new Random(7);
        int block = BackgroundDigestOutputStream.BLOCK;
        for (int size : new int[]{0, 1, 1000, block - 1, block, block + 1, 3 * block + block / 2}) {
            byte[] input = new byte[size];
            random.nextBytes(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MessageDigest digest = sha256();
            try (BackgroundDigestOutputStream stream = new BackgroundDigestOutputStream(out, digest)) {
                for (int at = 0; at < size; ) {
                    int n = Math.min(size - at, 1 + random.nextInt(300_000)); // odd sizes, across block boundaries
                    stream.write(input, at, n);
                    at += n;
                }
                stream.finishDigest();
            }
            assertArrayEquals(sha256().digest(input), digest.digest(), "digest of " + size + " bytes");
            assertArrayEquals(input, out.toByteArray(), "bytes of " + size);
        }
    }

    @Test
    void aHashingFailureIsThrownAndCloseLeavesNoThread() throws Exception {
        MessageDigest broken = new MessageDigest("broken") {
            @Override
            protected void engineUpdate(byte input) {
                throw new IllegalStateException("no more");
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                throw new IllegalStateException("no more");
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[0];
            }

            @Override
            protected void engineReset() {
            }
        };
        byte[] data = new byte[BackgroundDigestOutputStream.BLOCK];
        BackgroundDigestOutputStream stream = new BackgroundDigestOutputStream(OutputStream.nullOutputStream(), broken);
        IOException failure = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 20; i++) {
                stream.write(data);
            }
            stream.finishDigest();
        });
        assertTrue(failure.getMessage().contains("no more"), failure.getMessage());
        stream.close();
        assertFalse(hashThreadAlive(), "no hashing thread left");

        // a build that fails half-way closes the stream without finishing: its thread stops
        BackgroundDigestOutputStream abandoned = new BackgroundDigestOutputStream(OutputStream.nullOutputStream(), sha256());
        abandoned.write(data);
        abandoned.write(data);
        abandoned.close();
        assertFalse(hashThreadAlive(), "no hashing thread left");
    }

    @Test
    void aHashingThreadStoppedByAnotherHandFailsTheWriterInsteadOfLeavingItWaiting() throws Exception {
        BackgroundDigestOutputStream stream = new BackgroundDigestOutputStream(OutputStream.nullOutputStream(), sha256());
        byte[] data = new byte[BackgroundDigestOutputStream.BLOCK];
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        stream.write(data); // starts the thread
        Thread.getAllStackTraces().keySet().stream() // only this stream's, whatever else runs
                .filter(t -> t.getName().startsWith("cluster-image-hash-") && !before.contains(t)).forEach(Thread::interrupt);
        IOException failure = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                stream.write(data);
            }
            stream.finishDigest();
        });
        assertTrue(failure.getMessage().contains("hashing"), failure.getMessage());
        stream.close();
    }

    private static boolean hashThreadAlive() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("cluster-image-hash-") && t.isAlive())) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
