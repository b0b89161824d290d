/**
 * The package stage: the Kubefile's stages run over the build context (and the generated trees) into
 * layers, OCI documents and a reproducible archive, one image per platform.
 * <p>Entry point: {@link io.clusterimage.image.ImageBuilder}, written by {@link io.clusterimage.image.OciArchiveWriter}.
 * May use: {@code core}, {@code kubefile}, {@code layout.ignore}, {@code reference}, {@code registry}. No Maven types.
 */
package io.clusterimage.image;
