package io.clusterimage.image;

import io.clusterimage.registry.Attachments;

import java.io.IOException;
import java.util.List;

/**
 * An output the image is written into while it is built, taking the layers whose inputs did not change from
 * what the previous build left there: the {@link OciArchive} (byte ranges) and the {@link OciDirectory} (hard links).
 */
interface ReusingOutput extends BlobSink, AutoCloseable {

    /** Adds the image's documents and {@code attachments} and puts the output at its target. */
    void finish(BuiltImage image, String refName, List<Attachments.Attachment> attachments) throws IOException;

    /** Layers this output took from the previous one. */
    int reusedLayers();

    /** Their bytes. */
    long reusedBytes();

    /** Where they came from, as the build's log says it: "the previous archive". */
    String reusedFrom();

    @Override
    void close() throws IOException;
}
