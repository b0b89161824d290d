package io.clusterimage.image;

import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Streams entries into a layer blob: tar, then the chosen compression, hashing both the tar (diff_id)
 * and the blob (digest) on the way. Entries must come sorted; times and owners are what the entries say.
 */
final class LayerWriter {

    private LayerWriter() {
    }

    static Layer write(List<FileEntry> entries, long mtimeSeconds, LayerCompression compression, BlobSink sink, String createdBy)
            throws IOException {
        MessageDigest blobDigest = Digests.sha256();
        MessageDigest diffDigest = Digests.sha256();
        try (BlobSink.NewBlob blob = sink.begin()) {
            DigestOutputStream hashedBlob = new DigestOutputStream(blob.out(), blobDigest);
            // an uncompressed layer's blob is its tar: hash it once (the registry layer is hundreds of MB)
            hashedBlob.on(compression != LayerCompression.NONE);
            CountingOutputStream counted = new CountingOutputStream(hashedBlob);
            OutputStream compressed = compression == LayerCompression.GZIP ? new FastGzip(counted) : counted;
            DigestOutputStream tarStream = new DigestOutputStream(compressed, diffDigest);
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
            if (compressed instanceof GZIPOutputStream gzip) {
                gzip.finish();
            }
            tarStream.flush();
            String diffId = Digests.format(diffDigest);
            String digest = compression == LayerCompression.NONE ? diffId : Digests.format(blobDigest);
            Path file = blob.commit(digest, counted.count);
            return new Layer(file, digest, counted.count, diffId, compression.mediaType(), createdBy);
        }
    }

    /** gzip at a fast level: layers are big and the gain of higher levels is small. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 256 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
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
