package io.clusterimage.image;

import io.clusterimage.core.BackgroundDigestOutputStream;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Streams entries into a layer blob: tar, then the chosen compression, hashing both the tar (diff_id)
 * and the blob (digest) on the way. Entries must come sorted; times and owners are what the entries say.
 */
final class LayerWriter {

    private LayerWriter() {
    }

    /**
     * @param threads threads the compression may use; the bytes do not depend on it
     * @param key     the layer's {@link LayerMemo#key} (computed once, when the archive was planned), or null when
     *                there is none: then it is built, not looked up or remembered
     */
    static Layer write(List<FileEntry> entries, long mtimeSeconds, LayerCompression compression, int threads, BlobSink sink,
                       String createdBy, String key) throws IOException {
        if (key != null) {
            Optional<Layer> reused = sink.reuse(key, createdBy);
            if (reused.isPresent()) {
                return reused.get(); // nothing it is made of changed since the last build
            }
        }
        Layer layer = build(entries, mtimeSeconds, compression, threads, sink, createdBy);
        if (key != null) {
            sink.remember(key, layer);
        }
        return layer;
    }

    private static Layer build(List<FileEntry> entries, long mtimeSeconds, LayerCompression compression, int threads, BlobSink sink,
                               String createdBy) throws IOException {
        MessageDigest blobDigest = Digests.sha256();
        MessageDigest diffDigest = Digests.sha256();
        try (BlobSink.NewBlob blob = sink.begin()) {
            CountingOutputStream counted;
            OutputStream compressed = null;
            OutputStream tarStream;
            BackgroundDigestOutputStream background = null;
            if (compression == LayerCompression.NONE) {
                // the blob is the tar (the registry layer, hundreds of MB): hashed once, on another core while this
                // thread reads the files and writes
                counted = new CountingOutputStream(blob.out());
                background = new BackgroundDigestOutputStream(counted, diffDigest);
                tarStream = background;
            } else {
                counted = new CountingOutputStream(new DigestOutputStream(blob.out(), blobDigest));
                compressed = compression.compress(counted, threads);
                tarStream = new DigestOutputStream(compressed, diffDigest);
            }
            try {
                TarWriter tar = new TarWriter(tarStream);
                for (FileEntry entry : entries) {
                    switch (entry.type()) {
                        case DIRECTORY -> tar.directory(entry.path(), entry.mode(), entry.uid(), entry.gid(), mtimeSeconds);
                        case SYMLINK -> tar.symlink(entry.path(), entry.link(), entry.uid(), entry.gid(), mtimeSeconds);
                        case FILE -> {
                            try (InputStream in = Files.newInputStream(entry.source())) {
                                tar.file(entry.path(), entry.mode(), entry.uid(), entry.gid(), mtimeSeconds, entry.size(), in);
                            }
                        }
                    }
                }
                tar.finish();
                if (background != null) {
                    background.finishDigest();
                    background.flush();
                } else {
                    // ends the gzip or zstd stream and flushes it into the blob, whose stream stays open
                    // (tarStream, a digest on top of it, holds no bytes of its own)
                    compressed.close();
                }
            } finally {
                if (background != null) {
                    background.close(); // stops its thread, also when writing failed
                }
            }
            String diffId = Digests.format(diffDigest);
            String digest = compression == LayerCompression.NONE ? diffId : Digests.format(blobDigest);
            Path file = blob.commit(digest, counted.count);
            return new Layer(file, digest, counted.count, diffId, compression.mediaType(), createdBy);
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
