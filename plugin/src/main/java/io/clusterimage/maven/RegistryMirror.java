package io.clusterimage.maven;

import io.clusterimage.registry.Mirrors;
import org.apache.maven.plugin.MojoExecutionException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /** {@code conf}'s mirrors (registries.conf) with the POM's laid over them, checked: the POM wins. */
    static Map<String, List<String>> merge(List<RegistryMirror> pom, Map<String, List<String>> conf) throws MojoExecutionException {
        Map<String, List<String>> merged = new HashMap<>(conf);
        for (RegistryMirror mirror : pom == null ? List.<RegistryMirror>of() : pom) {
            if (mirror.registry == null || mirror.mirrors == null || mirror.mirrors.isEmpty()) {
                throw new MojoExecutionException("<mirrors><mirror> needs <registry> and at least one <mirrors><mirror>");
            }
            String problem = Mirrors.problem(mirror.registry).orElse(null);
            if (problem != null) {
                throw new MojoExecutionException("<mirrors><mirror><registry>" + mirror.registry + "</registry> " + problem
                        + "; write a registry (docker.io) or a namespace in it (docker.io/library)");
            }
            Mirrors.override(merged, mirror.registry, mirror.mirrors);
        }
        return merged;
    }

    /** What the up-to-date check compares. */
    static String describe(List<RegistryMirror> mirrors) {
        return mirrors == null ? "" : mirrors.stream().map(m -> m.registry + "=" + m.mirrors).toList().toString();
    }
}
