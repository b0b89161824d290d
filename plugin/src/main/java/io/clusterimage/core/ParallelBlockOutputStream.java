package io.clusterimage.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machinery of {@link ParallelGzipOutputStream} and {@link ParallelZstdOutputStream}: cuts the
 * input into blocks of a fixed size, compresses them on several threads, and writes the results to
 * the underlying stream in input order, on the writing thread. The block boundaries depend only on
 * the input, so <b>the output bytes never depend on the number of threads, the write sizes or
 * timing</b>.
 *
 * <p>At most {@code 2 × threads} blocks are in flight; a writer faster than the compressing threads
 * waits (back-pressure), so memory stays at a few blocks per thread whatever the stream's size.
 * With {@code threads == 1} every block is compressed on the writing thread and no thread is
 * started. Otherwise the stream starts up to {@code threads} daemon threads of its own, the first
 * one when the first full block is handed over (a stream shorter than one block starts none), and
 * stops them in {@link #finish()} or {@link #close()}, also after a failure. A failure in a
 * compressing thread is thrown as an {@code IOException} by the next {@code write}, {@code flush},
 * {@code finish} or {@code close}. The last block is compressed on the writing thread, which would
 * only wait otherwise.
 *
 * <p>{@link #finish()} completes the compressed stream and leaves the underlying stream open (for a
 * compressed entry inside a larger file); {@link #close()} finishes, then closes it. Not
 * thread-safe: one thread writes, as with any {@code OutputStream}.
 */
abstract class ParallelBlockOutputStream extends OutputStream {

    private static final AtomicInteger STREAM_NUMBERS = new AtomicInteger();

    private final OutputStream out;
    private final int blockSize;
    private final int maxInFlight;
    private final ThreadPoolExecutor workers;
    private final ArrayDeque<Future<Compressed>> inFlight = new ArrayDeque<>();

    /** The block being filled; handed to a compressing task (and replaced) when full. */
    private byte[] block;
    private int blockLength;
    /** The last full block handed over, for formats whose next block refers back into it. */
    private byte[] previousBlock;

    private boolean headerWritten;
    private boolean finished;
    private boolean closed;
    /** Set when a write to the underlying stream or a compressing task failed: the output is unusable. */
    private IOException failure;

    /** A block's compressed bytes: {@code bytes[0, length)}. */
    protected record Compressed(byte[] bytes, int length) {
    }

    /**
     * @param out       receives the compressed stream; closed by {@link #close()}, not by {@link #finish()}
     * @param blockSize input bytes per block; part of the output format, so a constant of the subclass
     * @param threads   compressing threads, at least 1 (1: all work on the writing thread)
     * @param name      names the threads ("parallel-NAME-stream-thread")
     */
    protected ParallelBlockOutputStream(OutputStream out, int blockSize, int threads, String name) {
        this.out = Objects.requireNonNull(out, "out");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.blockSize = blockSize;
        this.block = new byte[blockSize];
        this.maxInFlight = 2 * threads;
        this.workers = threads == 1 ? null : newWorkers(threads, "parallel-" + name + "-" + STREAM_NUMBERS.incrementAndGet() + "-");
    }

    private static ThreadPoolExecutor newWorkers(int threads, String prefix) {
        AtomicInteger threadNumbers = new AtomicInteger();
        // The queue is unbounded, but the writer never has more than maxInFlight tasks queued or running.
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, prefix + threadNumbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Compresses one block; runs on any thread, several at once, so it must not touch shared state.
     * It reads {@code block[0, length)} and may read {@code previousBlock} (the full block before it,
     * null for the first), and must change neither.
     *
     * @param last true for the final block (it may be empty)
     */
    protected abstract Compressed compress(byte[] block, int length, byte[] previousBlock, boolean last);

    /** Called on the writing thread with the input, in order (e.g. for a checksum of it). */
    protected void consumed(byte[] bytes, int offset, int length) {
    }

    /** Written before the first block. */
    protected byte[] header() {
        return new byte[0];
    }

    /** Written after the last block, once all input has been {@link #consumed}. */
    protected byte[] trailer() {
        return new byte[0];
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        block[blockLength] = (byte) b;
        consumed(block, blockLength, 1);
        blockLength++;
        if (blockLength == blockSize) {
            handOverFullBlock();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        consumed(bytes, offset, length);
        while (length > 0) {
            int chunk = Math.min(length, blockSize - blockLength);
            System.arraycopy(bytes, offset, block, blockLength, chunk);
            blockLength += chunk;
            offset += chunk;
            length -= chunk;
            if (blockLength == blockSize) {
                handOverFullBlock();
            }
        }
    }

    /**
     * Writes the blocks that are compressed already and flushes the underlying stream. It does not
     * cut the current block short (that would make the output depend on when flush is called), so
     * bytes written since the last full block stay here until more input or {@link #finish()}.
     * After {@link #finish()} it only flushes the underlying stream (as GZIPOutputStream allows).
     */
    @Override
    public void flush() throws IOException {
        if (finished && !closed && failure == null) {
            out.flush();
            return;
        }
        ensureOpen();
        writeHeaderOnce();
        writeCompletedBlocks(false);
        out.flush();
    }

    /**
     * Compresses what is left, writes everything and the trailer, and stops the threads. Leaves the
     * underlying stream open. Further writes fail; calling it again does nothing.
     */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        ensureOpen();
        try {
            writeHeaderOnce();
            byte[] lastBlock = block;
            byte[] beforeLast = previousBlock;
            block = null;
            previousBlock = null;
            // compressed here while the threads finish the blocks before it
            Compressed last = compressHere(lastBlock, blockLength, beforeLast, true);
            writeCompletedBlocks(true);
            out.write(last.bytes(), 0, last.length());
            byte[] trailer = trailer();
            out.write(trailer, 0, trailer.length);
            finished = true;
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        } finally {
            stopWorkers();
        }
    }

    /** {@link #finish()}, then closes the underlying stream (also when finishing failed). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                finish();
            }
        } finally {
            closed = true;
            stopWorkers();
            out.close();
        }
        if (failure != null && !finished) {
            throw new IOException("the compressed stream was not finished", failure);
        }
    }

    private void ensureOpen() throws IOException {
        if (failure != null) {
            throw new IOException("the compressed stream failed earlier", failure);
        }
        if (finished || closed) {
            throw new IOException("the compressed stream is " + (closed ? "closed" : "finished"));
        }
    }

    private void handOverFullBlock() throws IOException {
        try {
            writeHeaderOnce();
            byte[] full = block;
            byte[] beforeFull = previousBlock;
            previousBlock = full;
            // A new array: the task owns the full one, and the next task may read it.
            block = new byte[blockSize];
            blockLength = 0;
            if (workers == null) {
                Compressed compressed = compressHere(full, blockSize, beforeFull, false);
                out.write(compressed.bytes(), 0, compressed.length());
                return;
            }
            inFlight.add(workers.submit(() -> compress(full, blockSize, beforeFull, false)));
            writeCompletedBlocks(false);
            while (inFlight.size() >= maxInFlight) {
                writeOldestBlock();
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /** Compresses on this thread; a failure is reported as a worker's would be. */
    private Compressed compressHere(byte[] input, int length, byte[] previous, boolean last) throws IOException {
        try {
            return compress(input, length, previous, last);
        } catch (RuntimeException e) {
            throw new IOException("compressing a block failed: " + e, e);
        }
    }

    /** Writes compressed blocks from the head of the queue: all of them, or only those that are done. */
    private void writeCompletedBlocks(boolean all) throws IOException {
        while (!inFlight.isEmpty() && (all || inFlight.peek().isDone())) {
            writeOldestBlock();
        }
    }

    private void writeOldestBlock() throws IOException {
        Future<Compressed> oldest = inFlight.remove();
        Compressed compressed;
        try {
            compressed = oldest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a compressed block");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("compressing a block failed: " + cause, cause);
        }
        out.write(compressed.bytes(), 0, compressed.length());
    }

    private void writeHeaderOnce() throws IOException {
        if (!headerWritten) {
            byte[] header = header();
            out.write(header, 0, header.length);
            headerWritten = true;
        }
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause instanceof IOException io ? io : new IOException(cause);
        }
        for (Future<Compressed> pending : inFlight) {
            pending.cancel(true);
        }
        inFlight.clear();
        stopWorkers();
    }

    private void stopWorkers() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** For tests: true once every thread this stream started has ended (waits up to 10 s). */
    boolean threadsStopped() throws InterruptedException {
        return workers == null || workers.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** For tests: how many threads this stream has started. */
    int threadsStarted() {
        return workers == null ? 0 : workers.getLargestPoolSize();
    }
}
