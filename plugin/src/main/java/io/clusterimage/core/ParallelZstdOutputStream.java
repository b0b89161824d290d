package io.clusterimage.core;

import io.airlift.compress.zstd.ZstdCompressor;

import java.io.OutputStream;

/**
 * A zstd stream compressed on several threads: the input is cut into blocks of {@link #BLOCK_SIZE}
 * bytes and each block becomes one independent zstd frame (aircompressor's pure-Java encoder, its
 * level 3). RFC 8878 allows any number of frames one after the other; {@code zstd -d}, Go's
 * decoders (containerd, the containers tools) and aircompressor's {@code ZstdInputStream} read them
 * as one stream. The output depends only on the input — never on the number of threads, the write
 * sizes or timing.
 *
 * <p>Why not aircompressor's {@code ZstdOutputStream}: it runs on one thread, and in 2.0.3 its
 * compression ratio drops once the data passes its sliding window (airlift/aircompressor#187,
 * #355): on YAML-like text it wrote 0.39 of the input where the same encoder on 1 MiB frames
 * writes 0.21 (the zstd tool at level 3: 0.21). Frames of 1 MiB cost almost nothing against larger
 * ones (0.2103 against 0.2097 for 8 MiB frames on that text): level 3's window is only 2 MiB.
 *
 * <p>Threads, back-pressure, failures, {@link #finish()} and {@link #close()}: see
 * {@link ParallelBlockOutputStream}.
 */
public final class ParallelZstdOutputStream extends ParallelBlockOutputStream {

    /** Input bytes per frame. Fixed, because the output depends on it. */
    public static final int BLOCK_SIZE = 1 << 20;

    /** Stateless: every call makes its own compression context, so the threads can share it. */
    private static final ZstdCompressor COMPRESSOR = new ZstdCompressor();

    /**
     * @param out     receives the zstd frames; closed by {@link #close()}, not by {@link #finish()}
     * @param threads compressing threads, at least 1 (1: all work on the writing thread)
     */
    public ParallelZstdOutputStream(OutputStream out, int threads) {
        super(out, BLOCK_SIZE, threads, "zstd");
    }

    @Override
    protected Compressed compress(byte[] block, int length, byte[] previousBlock, boolean last) {
        if (last && length == 0 && previousBlock != null) {
            return new Compressed(new byte[0], 0); // the input ended on a frame boundary: no empty frame
        }
        // an empty input still gets one (empty) frame: zero bytes are not a zstd stream
        byte[] output = new byte[COMPRESSOR.maxCompressedLength(length)];
        int written = COMPRESSOR.compress(block, 0, length, output, 0, output.length);
        return new Compressed(output, written);
    }
}
