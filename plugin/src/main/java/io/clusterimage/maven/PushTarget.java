package io.clusterimage.maven;

import java.util.List;

/** {@code <to>}: where push-image publishes the image. */
public class PushTarget {
    /** The image reference, e.g. {@code registry.example.com/apps/web:1.0} (property cluster-image.to.image). */
    String image;
    /** Further tags for the same image (property cluster-image.to.tags, comma-separated). */
    List<String> tags;
}
