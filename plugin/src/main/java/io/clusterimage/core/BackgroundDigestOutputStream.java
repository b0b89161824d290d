package io.clusterimage.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passes every byte to {@code out} on the writing thread and feeds a copy of them to {@code digest} on a thread of
 * its own, so that hashing — SHA-256 of an uncompressed registry layer, the largest cost of writing it — runs on
 * another core while the writing thread reads the next file and writes. {@link #finishDigest()} waits until
 * everything written is hashed: then {@code digest} holds it, exactly as a {@code DigestOutputStream} would.
 *
 * <p>The bytes are copied into blocks of {@value #BLOCK} bytes, hashed in the order written; at most
 * {@value #WAITING} full blocks wait for the hashing thread (a faster writer waits: memory stays at a few MiB
 * whatever the size). A stream shorter than one block starts no thread and is hashed on the writing thread.
 * A failure of the hashing thread is thrown by the next write or by {@link #finishDigest()}; {@link #close()}
 * stops the thread whatever happened (a build that failed half-way leaves none behind). {@code out} is never
 * closed here. Not thread-safe: one thread writes, as with any {@code OutputStream}.
 */
public final class BackgroundDigestOutputStream extends OutputStream {

    static final int BLOCK = 1 << 18;
    private static final int WAITING = 8;
    private static final Chunk END = new Chunk(new byte[0], 0);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private record Chunk(byte[] bytes, int length) {
    }

    private final OutputStream out;
    private final MessageDigest digest;
    private final BlockingQueue<Chunk> toHash = new ArrayBlockingQueue<>(WAITING);
    private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(WAITING + 2);
    private byte[] block = new byte[BLOCK];
    private int filled;
    private Thread hasher;
    private volatile Throwable failure;
    private boolean finished;

    public BackgroundDigestOutputStream(OutputStream out, MessageDigest digest) {
        this.out = out;
        this.digest = digest;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (finished) {
            throw new IOException("the digest is finished: nothing more can be written");
        }
        out.write(bytes, offset, length);
        while (length > 0) {
            int n = Math.min(length, BLOCK - filled);
            System.arraycopy(bytes, offset, block, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == BLOCK) {
                handOver();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** The full block to the hashing thread (started with the first one), a spare one to fill next. */
    private void handOver() throws IOException {
        rethrow();
        if (hasher == null) {
            hasher = new Thread(this::hash, "cluster-image-hash-" + THREAD_NUMBERS.incrementAndGet());
            hasher.setDaemon(true);
            hasher.start();
        }
        put(new Chunk(block, filled));
        byte[] next = spare.poll();
        block = next != null ? next : new byte[BLOCK];
        filled = 0;
    }

    private void hash() {
        try {
            for (Chunk chunk = toHash.take(); chunk != END; chunk = toHash.take()) {
                digest.update(chunk.bytes(), 0, chunk.length());
                spare.offer(chunk.bytes());
            }
        } catch (InterruptedException e) {
            // stopped by close(), when the digest is not wanted any more; stopped by anyone else, a writer must not
            // wait for it
            failure = e;
            toHash.clear();
        } catch (RuntimeException | Error e) {
            failure = e;
            toHash.clear(); // a writer waiting for room goes on, and finds the failure
        }
    }

    /**
     * Waits until everything written is hashed; {@code digest} then holds it. Nothing can be written after.
     *
     * @throws IOException if hashing failed, or the thread was interrupted while waiting
     */
    public void finishDigest() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (hasher == null) {
            digest.update(block, 0, filled); // shorter than a block: no thread
        } else {
            if (filled > 0) {
                put(new Chunk(block, filled));
            }
            put(END);
            try {
                hasher.join();
            } catch (InterruptedException e) {
                hasher.interrupt();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the last bytes were hashed");
            }
            rethrow();
        }
        block = null;
    }

    private void put(Chunk chunk) throws IOException {
        try {
            while (!toHash.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                rethrow(); // the hashing thread failed and takes no more
                if (!hasher.isAlive()) {
                    throw new IOException("the hashing thread stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing bytes to the hashing thread");
        }
    }

    private void rethrow() throws IOException {
        Throwable failed = failure;
        if (failed != null) {
            throw new IOException("hashing failed: " + failed, failed);
        }
    }

    /** Stops the hashing thread, finished or not; {@code out} stays open. */
    @Override
    public void close() {
        finished = true;
        if (hasher != null && hasher.isAlive()) {
            hasher.interrupt();
        }
    }
}
