package io.clusterimage.maven;

import java.util.List;

/** {@code <mirrors><mirror>}: hosts tried, in order, before {@code registry} itself. */
public class RegistryMirror {
    /** The registry being mirrored, e.g. {@code docker.io}. */
    String registry;
    /**
     * Mirrors, e.g. {@code mirror.example.com}, or a host with a path for a proxy project
     * ({@code harbor.example.com/dockerhub-proxy}: {@code docker.io/library/nginx} is pulled as
     * {@code harbor.example.com/dockerhub-proxy/library/nginx}).
     */
    List<String> mirrors;
}
