package io.clusterimage.maven;

import java.util.List;

/** {@code <mirrors><mirror>}: hosts tried, in order, before {@code registry} itself. */
public class RegistryMirror {
    /** The registry being mirrored, e.g. {@code docker.io}. */
    String registry;
    /** Mirror hosts, e.g. {@code mirror.example.com}. */
    List<String> mirrors;
}
