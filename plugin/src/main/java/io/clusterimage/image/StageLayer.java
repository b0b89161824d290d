package io.clusterimage.image;

import java.io.IOException;
import java.util.List;

/**
 * A layer of a stage, written only when the image is assembled: layers of stages that only serve
 * {@code COPY --from} are never written at all, and the image's layers are written one after the
 * other, in order, into the output (see {@link OciArchive}).
 */
sealed interface StageLayer {

    /** Writes (or adds) the layer into the sink; {@code key} is what {@link #key()} said. */
    Layer writeTo(BlobSink sink, String key) throws IOException;

    /** How large the layer is, before it is written: what orders the archive (largest first). */
    long weight();

    /** What identifies the layer's bytes before they are written ({@link LayerMemo#key}); null when nothing can. */
    String key() throws IOException;

    /** A COPY/ADD: its entries, in tar order, read from their sources when written. */
    record Copied(List<FileEntry> entries, long mtimeSeconds, LayerCompression compression, int threads, String createdBy)
            implements StageLayer {
        public Copied {
            entries = List.copyOf(entries);
        }

        @Override
        public Layer writeTo(BlobSink sink, String key) throws IOException {
            return LayerWriter.write(entries, mtimeSeconds, compression, threads, sink, createdBy, key);
        }

        @Override
        public long weight() {
            return entries.stream().mapToLong(FileEntry::size).sum();
        }

        @Override
        public String key() throws IOException {
            return LayerMemo.key(entries, mtimeSeconds, compression);
        }
    }

    /** A base image's layer, a verified file in the blob cache, reused byte for byte. */
    record Inherited(Layer layer) implements StageLayer {
        @Override
        public Layer writeTo(BlobSink sink, String key) throws IOException {
            return new Layer(sink.add(layer.digest(), layer.file()), layer.digest(), layer.size(), layer.diffId(), layer.mediaType(),
                    layer.createdBy());
        }

        @Override
        public long weight() {
            return layer.size();
        }

        @Override
        public String key() {
            return LayerMemo.blobKey(layer.digest());
        }
    }
}
