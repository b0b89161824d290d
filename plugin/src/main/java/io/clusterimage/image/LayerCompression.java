package io.clusterimage.image;

import io.clusterimage.core.ParallelGzipOutputStream;
import io.clusterimage.core.ParallelZstdOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * How a layer is compressed. The registry tree's blobs are already compressed: gzipping them again
 * costs most of the build time and saves nothing, so its layer is stored uncompressed by default.
 * Every compression gives the same bytes for the same input on every machine, whatever the number
 * of threads: the layer digests stay reproducible.
 */
public enum LayerCompression {
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd"),
    NONE("application/vnd.oci.image.layer.v1.tar");

    /**
     * The deflate level of gzip layers: 1, the fastest, as before. On YAML-like text level 6 took
     * 4.2 × the time of level 1 for a 24 % smaller output (0.182 against 0.240 of the input); on
     * incompressible data (binaries, the registry's blobs) both levels store it and level 6 is
     * still ~2 × slower (bench/README.md, "bench/compress.sh"). A build should stay fast; zstd is
     * the choice for smaller layers.
     */
    static final int GZIP_LEVEL = Deflater.BEST_SPEED;

    private final String mediaType;

    LayerCompression(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /**
     * A stream that compresses what is written to it into {@code target}. Its {@code close()}
     * finishes the compressed stream (gzip trailer, zstd end of frame) and flushes {@code target} but
     * does <b>not</b> close {@code target}, so a layer can be written into a larger file (an archive)
     * that the caller goes on writing. For {@link #NONE} it passes the bytes through unchanged.
     *
     * <p>gzip and zstd compress on {@code threads} threads ({@link ParallelGzipOutputStream},
     * {@link ParallelZstdOutputStream}; 1: on the writing thread only); the output does not depend
     * on {@code threads}.
     *
     * @param threads threads the compression may use, at least 1 (e.g. {@code Runtime.availableProcessors()})
     */
    public OutputStream compress(OutputStream target, int threads) throws IOException {
        OutputStream kept = new NonClosingOutputStream(target);
        return switch (this) {
            case GZIP -> new ParallelGzipOutputStream(kept, GZIP_LEVEL, threads);
            case ZSTD -> new ParallelZstdOutputStream(kept, threads);
            case NONE -> kept;
        };
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static LayerCompression parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "gzip" -> GZIP;
            case "zstd" -> ZSTD;
            case "none", "uncompressed" -> NONE;
            default -> throw new IllegalArgumentException("'" + text + "' is not a layer compression; use gzip, zstd or none");
        };
    }

    /**
     * Passes writes through; {@code close()} only flushes, and later writes fail, as they would on a
     * closed stream. Overrides the array write: FilterOutputStream's would write byte by byte.
     */
    private static final class NonClosingOutputStream extends OutputStream {
        private final OutputStream target;
        private boolean closed;

        NonClosingOutputStream(OutputStream target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            target.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ensureOpen();
            target.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            target.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                target.flush();
                closed = true;
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("the layer's compressed stream is closed");
            }
        }
    }
}
