package io.clusterimage.maven;

/**
 * {@code <appImages><appImage><from>}: the base image of an application image, either a reference
 * pulled the way save-registry pulls ({@code <image>}) or a local archive ({@code <archive>}).
 */
public class AppImageFrom {
    /** A base image reference, e.g. {@code eclipse-temurin:21-jre}; fetched through mirrors, credentials and the blob cache. */
    String image;
    /**
     * A docker-archive, oci-archive or OCI layout directory holding the base image, relative to the
     * project directory: a build that needs no registry at all.
     */
    String archive;
}
