package io.clusterimage.maven;

/**
 * {@code <appImages><appImage><from>}: the base image of an application image: a reference pulled the way
 * save-registry pulls ({@code <image>}), a local archive ({@code <archive>}), or an image of the local container
 * engine ({@code <docker>}, jib's {@code docker://}).
 */
public class AppImageFrom {
    /** A base image reference, e.g. {@code eclipse-temurin:21-jre}; fetched through mirrors, credentials and the blob cache. */
    String image;
    /**
     * A docker-archive, oci-archive or OCI layout directory holding the base image, relative to the
     * project directory: a build that needs no registry at all.
     */
    String archive;
    /**
     * The name of an image the local container engine holds (built or pulled there), taken with
     * {@code docker save}; saved again only when its image ID changes.
     */
    String docker;
    /** The engine's command line for {@code <docker>}: {@code docker} (the default), or e.g. {@code podman}, which needs no daemon. */
    String dockerExecutable;
}
