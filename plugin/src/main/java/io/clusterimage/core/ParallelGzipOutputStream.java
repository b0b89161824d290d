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
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.function.Supplier;

/**
 * A gzip stream (RFC 1952, one member) whose deflate work runs on several threads, the way pigz
 * does it. The input is cut into blocks of {@link #BLOCK_SIZE} bytes; each block is deflated on its
 * own {@link Deflater}, primed with the last 32 KiB of the block before it (the whole deflate window,
 * so matches can still reach back across the cut and the ratio barely changes), and ended with a
 * sync flush, so the blocks' outputs concatenate into one deflate stream. The last block is ended
 * with FINISH.
 *
 * <p><b>The output bytes depend only on the input and the level</b> — never on the number of threads
 * or on timing: the block boundaries are fixed, and the header is constant (no time, no file name,
 * the "unknown" OS byte). A layer compressed on a laptop and on a 64-core CI runner has one digest.
 *
 * <p>The CRC-32 and the size are computed on the writing thread, in input order (CRC32 is a JVM
 * intrinsic: it costs little next to deflate). At most {@code 2 × threads} blocks are in flight;
 * a writer that is faster than the deflate threads waits (back-pressure), so memory stays at a few
 * MiB per thread whatever the size of the stream. Compressed blocks reach the underlying stream in
 * order, on the writing thread.
 *
 * <p>Threads: with {@code threads == 1} every block is deflated on the writing thread and no thread
 * is started. Otherwise the stream starts up to {@code threads} daemon threads of its own, the first
 * one when the first full block is handed over (a stream shorter than one block starts none), and
 * stops them in {@link #finish()} or {@link #close()}, also when they fail. A failure in a deflate
 * thread is thrown as an {@code IOException} by the next {@code write}, {@code flush},
 * {@code finish} or {@code close}.
 *
 * <p>{@link #finish()} writes the gzip trailer and leaves the underlying stream open (for a
 * compressed entry inside a larger file); {@link #close()} finishes, then closes it. Not thread-safe:
 * one thread writes, as with any {@code OutputStream}.
 */
public final class ParallelGzipOutputStream extends OutputStream {

    /**
     * Input bytes per block. Fixed, because the output depends on it. 1 MiB, as pigz uses 128 KiB
     * and larger blocks only help: each cut costs a sync flush (5 bytes) and a new Deflater, and a
     * block is the unit of work handed to a thread.
     */
    public static final int BLOCK_SIZE = 1 << 20;

    /** The deflate window: the last bytes of a block that the next block may refer back to. */
    private static final int DICTIONARY_SIZE = 32 * 1024;

    /** ID1 ID2, CM = deflate, FLG = none, MTIME = 0, XFL = 0, OS = 255 (unknown). */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private static final AtomicInteger STREAM_NUMBERS = new AtomicInteger();

    private final OutputStream out;
    private final Supplier<Deflater> deflaters;
    private final int maxInFlight;
    private final ThreadPoolExecutor workers;
    private final ArrayDeque<Future<Compressed>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private long size;

    /** The block being filled; handed to a deflate task (and replaced) when full. */
    private byte[] block = new byte[BLOCK_SIZE];
    private int blockLength;
    /** The last full block handed over: the next block's dictionary comes from its end. */
    private byte[] previousBlock;

    private boolean headerWritten;
    private boolean finished;
    private boolean closed;
    /** Set when a write to the underlying stream or a deflate task failed: the output is unusable. */
    private IOException failure;

    /**
     * @param out     receives the gzip stream; closed by {@link #close()}, not by {@link #finish()}
     * @param level   deflate level, {@link Deflater#BEST_SPEED} (1) to {@link Deflater#BEST_COMPRESSION} (9)
     * @param threads deflate threads, at least 1 (1: all work on the writing thread)
     */
    public ParallelGzipOutputStream(OutputStream out, int level, int threads) {
        this(out, rawDeflaters(level), threads);
    }

    /** For tests: {@code deflaters} makes one raw (nowrap) Deflater per block; it may fail on purpose. */
    ParallelGzipOutputStream(OutputStream out, Supplier<Deflater> deflaters, int threads) {
        this.out = Objects.requireNonNull(out, "out");
        this.deflaters = Objects.requireNonNull(deflaters, "deflaters");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.maxInFlight = 2 * threads;
        this.workers = threads == 1 ? null : newWorkers(threads);
    }

    private static Supplier<Deflater> rawDeflaters(int level) {
        if (level < Deflater.BEST_SPEED || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("deflate level " + level + " is not between 1 and 9");
        }
        // raw deflate (nowrap): the stream writes the gzip header and trailer itself
        return () -> new Deflater(level, true);
    }

    private static ThreadPoolExecutor newWorkers(int threads) {
        String prefix = "parallel-gzip-" + STREAM_NUMBERS.incrementAndGet() + "-";
        AtomicInteger threadNumbers = new AtomicInteger();
        // The queue is unbounded, but the writer never has more than maxInFlight tasks queued or running.
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, prefix + threadNumbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        block[blockLength++] = (byte) b;
        crc.update(b);
        size++;
        if (blockLength == BLOCK_SIZE) {
            handOverFullBlock();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        crc.update(bytes, offset, length);
        size += length;
        while (length > 0) {
            int chunk = Math.min(length, BLOCK_SIZE - blockLength);
            System.arraycopy(bytes, offset, block, blockLength, chunk);
            blockLength += chunk;
            offset += chunk;
            length -= chunk;
            if (blockLength == BLOCK_SIZE) {
                handOverFullBlock();
            }
        }
    }

    /**
     * Writes the blocks that are compressed already and flushes the underlying stream. It does not
     * cut the current block short (that would make the output depend on when flush is called), so
     * bytes written since the last full block stay here until more input or {@link #finish()}.
     */
    @Override
    public void flush() throws IOException {
        if (finished && !closed && failure == null) {
            out.flush(); // as GZIPOutputStream allows: a flush after finish() passes through
            return;
        }
        ensureOpen();
        writeHeaderOnce();
        writeCompletedBlocks(false);
        out.flush();
    }

    /**
     * Compresses what is left, writes everything and the gzip trailer, and stops the threads.
     * Leaves the underlying stream open. Further writes fail; calling it again does nothing.
     */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        ensureOpen();
        try {
            writeHeaderOnce();
            Task last = new Task(block, blockLength, previousBlock, true, deflaters);
            block = null;
            previousBlock = null;
            // Everything before it first; the last block is compressed on this thread meanwhile,
            // since this thread would only wait otherwise.
            Compressed lastCompressed = compressHere(last);
            writeCompletedBlocks(true);
            writeToOut(lastCompressed.bytes, lastCompressed.length);
            writeToOut(trailer(), 8);
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
            throw new IOException("gzip stream was not finished", failure);
        }
    }

    private void ensureOpen() throws IOException {
        if (failure != null) {
            throw new IOException("gzip stream failed earlier", failure);
        }
        if (finished || closed) {
            throw new IOException("gzip stream is " + (closed ? "closed" : "finished"));
        }
    }

    private void handOverFullBlock() throws IOException {
        try {
            writeHeaderOnce();
            Task task = new Task(block, BLOCK_SIZE, previousBlock, false, deflaters);
            previousBlock = block;
            // A new array: the task owns the full one, and the next task reads its tail as dictionary.
            block = new byte[BLOCK_SIZE];
            blockLength = 0;
            if (workers == null) {
                Compressed compressed = compressHere(task);
                writeToOut(compressed.bytes, compressed.length);
                return;
            }
            inFlight.add(workers.submit(task));
            writeCompletedBlocks(false);
            while (inFlight.size() >= maxInFlight) {
                writeOldestBlock();
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /** Deflates on this thread; a failure is reported as a worker's would be. */
    private static Compressed compressHere(Task task) throws IOException {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw new IOException("deflate of a gzip block failed: " + e, e);
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
            throw new InterruptedIOException("interrupted while waiting for a gzip block");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("deflate of a gzip block failed: " + cause, cause);
        }
        writeToOut(compressed.bytes, compressed.length);
    }

    private void writeHeaderOnce() throws IOException {
        if (!headerWritten) {
            writeToOut(HEADER, HEADER.length);
            headerWritten = true;
        }
    }

    private void writeToOut(byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
    }

    private byte[] trailer() {
        long crcValue = crc.getValue();
        long isize = size & 0xffffffffL; // RFC 1952: the input size modulo 2^32
        byte[] trailer = new byte[8];
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (crcValue >>> (8 * i));
            trailer[4 + i] = (byte) (isize >>> (8 * i));
        }
        return trailer;
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

    /** For tests: true once every thread this stream started has ended. */
    boolean threadsStopped() throws InterruptedException {
        return workers == null || workers.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** For tests: how many threads this stream has started. */
    int threadsStarted() {
        return workers == null ? 0 : workers.getLargestPoolSize();
    }

    private record Compressed(byte[] bytes, int length) {
    }

    /** Deflates one block; reads {@code input} and the dictionary source, never changes them. */
    private record Task(byte[] input, int length, byte[] dictionarySource, boolean last, Supplier<Deflater> deflaters)
            implements java.util.concurrent.Callable<Compressed> {

        @Override
        public Compressed call() {
            Deflater deflater = deflaters.get();
            try {
                if (dictionarySource != null) {
                    deflater.setDictionary(dictionarySource, BLOCK_SIZE - DICTIONARY_SIZE, DICTIONARY_SIZE);
                }
                deflater.setInput(input, 0, length);
                if (last) {
                    deflater.finish();
                }
                // deflate's worst case is a few bytes per 16 KiB over the input; grown below if ever short
                byte[] output = new byte[length + (length >>> 10) + 64];
                int written = 0;
                while (true) {
                    if (written == output.length) {
                        output = java.util.Arrays.copyOf(output, output.length * 2);
                    }
                    int space = output.length - written;
                    int produced = deflater.deflate(output, written, space, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
                    written += produced;
                    // SYNC_FLUSH is complete once it leaves space unused; FINISH once finished() says so
                    if (last ? deflater.finished() : produced < space) {
                        return new Compressed(output, written);
                    }
                }
            } finally {
                deflater.end();
            }
        }
    }
}
