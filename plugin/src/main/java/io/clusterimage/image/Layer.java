package io.clusterimage.image;

import java.nio.file.Path;

/**
 * A built layer blob.
 *
 * @param file      the blob on disk (compressed as {@code mediaType} says)
 * @param digest    sha256 of the blob
 * @param size      blob size
 * @param diffId    sha256 of the uncompressed tar (what the image config lists)
 * @param mediaType OCI layer media type
 * @param createdBy the instruction that made it, for the history
 */
public record Layer(Path file, String digest, long size, String diffId, String mediaType, String createdBy) {
}
