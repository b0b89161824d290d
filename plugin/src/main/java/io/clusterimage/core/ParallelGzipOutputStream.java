package io.clusterimage.core;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream (RFC 1952, one member) whose deflate work runs on several threads, the way pigz
 * does it. The input is cut into blocks of {@link #BLOCK_SIZE} bytes; each block is deflated on its
 * own {@link Deflater}, primed with the last 32 KiB of the block before it (the whole deflate window,
 * so matches still reach back across the cut and the ratio barely changes), and ended with a sync
 * flush, so the blocks' outputs concatenate into one deflate stream. The last block ends with FINISH.
 *
 * <p><b>The output bytes depend only on the input and the level</b> — never on the number of threads,
 * the write sizes or timing: the block boundaries are fixed, and the header is constant (no time, no
 * file name, the "unknown" OS byte). A layer compressed on a laptop and on a 64-core CI runner has
 * one digest. The CRC-32 and the size are computed on the writing thread, in input order (CRC32 is a
 * JVM intrinsic: it costs little next to deflate).
 *
 * <p>Threads, back-pressure, failures, {@link #finish()} and {@link #close()}: see
 * {@link ParallelBlockOutputStream}.
 */
public final class ParallelGzipOutputStream extends ParallelBlockOutputStream {

    /**
     * Input bytes per block. Fixed, because the output depends on it. 1 MiB (pigz uses 128 KiB):
     * larger blocks only help, since each cut costs a sync flush (5 bytes) and a new Deflater, and a
     * block is the unit of work handed to a thread.
     */
    public static final int BLOCK_SIZE = 1 << 20;

    /** The deflate window: the last bytes of a block that the next block may refer back to. */
    private static final int DICTIONARY_SIZE = 32 * 1024;

    /** ID1 ID2, CM = deflate, FLG = none, MTIME = 0, XFL = 0, OS = 255 (unknown). */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Supplier<Deflater> deflaters;
    private final CRC32 crc = new CRC32();
    private long size;

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
        super(out, BLOCK_SIZE, threads, "gzip");
        this.deflaters = Objects.requireNonNull(deflaters, "deflaters");
    }

    private static Supplier<Deflater> rawDeflaters(int level) {
        if (level < Deflater.BEST_SPEED || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("deflate level " + level + " is not between 1 and 9");
        }
        // raw deflate (nowrap): the stream writes the gzip header and trailer itself
        return () -> new Deflater(level, true);
    }

    @Override
    protected void consumed(byte[] bytes, int offset, int length) {
        crc.update(bytes, offset, length);
        size += length;
    }

    @Override
    protected byte[] header() {
        return HEADER.clone();
    }

    @Override
    protected byte[] trailer() {
        long crcValue = crc.getValue();
        long isize = size & 0xffffffffL; // RFC 1952: the input size modulo 2^32
        byte[] trailer = new byte[8];
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (crcValue >>> (8 * i));
            trailer[4 + i] = (byte) (isize >>> (8 * i));
        }
        return trailer;
    }

    @Override
    protected Compressed compress(byte[] input, int length, byte[] previousBlock, boolean last) {
        Deflater deflater = deflaters.get();
        try {
            if (previousBlock != null) {
                deflater.setDictionary(previousBlock, BLOCK_SIZE - DICTIONARY_SIZE, DICTIONARY_SIZE);
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
                    output = Arrays.copyOf(output, output.length * 2);
                }
                int space = output.length - written;
                // after finish() the Deflater ends the stream whatever flush mode it is given
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
