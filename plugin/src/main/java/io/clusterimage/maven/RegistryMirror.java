package io.clusterimage.maven;

import java.util.List;

/** {@code <mirrors><mirror>}: hosts tried, in order, before {@code registry} itself. */
public class RegistryMirror {
    /**
     * What is mirrored: a registry, e.g. {@code docker.io}, or a namespace or repository in it, e.g.
     * {@code docker.io/library} (the longest that matches an image decides, as in registries.conf).
     */
    String registry;
    /**
     * Mirrors, e.g. {@code mirror.example.com}, or a host with a path for a proxy project; the image is
     * asked for under the name that results from replacing {@code registry} by the mirror: with
     * {@code docker.io} and {@code harbor.example.com/dockerhub-proxy}, {@code docker.io/library/nginx} is
     * {@code harbor.example.com/dockerhub-proxy/library/nginx}; with {@code docker.io/library} and
     * {@code harbor.example.com/library-proxy}, it is {@code harbor.example.com/library-proxy/nginx}.
     */
    List<String> mirrors;
}
