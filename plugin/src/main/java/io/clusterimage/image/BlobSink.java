package io.clusterimage.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a build puts its layer blobs while it writes them: a directory ({@link DirectoryBlobSink}), or
 * straight into the OCI archive being written ({@link OciArchive}) so that a layer is written once.
 * Blobs arrive one at a time, in the order of the image's layers.
 */
public interface BlobSink {

    /** Starts a blob whose digest is known only once it is written. */
    NewBlob begin() throws IOException;

    /**
     * Adds a blob that exists already as a verified file (a base image's layer in the blob cache).
     *
     * @return where the blob can be read from now: the file itself, or null if it has no file of its own
     */
    Path add(String digest, Path file) throws IOException;

    /**
     * Says which layers come, in the order they will come ({@link LayerMemo#key}s; null for a layer without
     * one), before the first: a sink may keep what it holds from an earlier build of the same leading layers.
     */
    default void plan(List<String> keys) throws IOException {
    }

    /**
     * The layer built by an earlier build from inputs of this key ({@link LayerMemo#key}), put into this sink
     * without being built again; empty when the sink has none (then the caller builds it).
     */
    default Optional<Layer> reuse(String key, String createdBy) throws IOException {
        return Optional.empty();
    }

    /** Remembers that the layer just committed was built from inputs of this key, for the next build. */
    default void remember(String key, Layer layer) {
    }

    /** A blob being written. Closing it without {@link #commit} discards what was written. */
    interface NewBlob extends AutoCloseable {

        /** Where the blob's bytes go; the caller must not close it. */
        OutputStream out();

        /**
         * Ends the blob. A blob whose digest the sink holds already is dropped, so that layers several
         * platforms share are stored once.
         *
         * @return the blob's file, or null if it has none of its own (it is inside an archive)
         */
        Path commit(String digest, long size) throws IOException;

        @Override
        void close() throws IOException;
    }
}
