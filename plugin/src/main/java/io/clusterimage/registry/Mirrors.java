package io.clusterimage.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an image is asked for, as containers-registries.conf(5) says it: an entry's key is a prefix, a
 * whole registry ({@code docker.io}) or a namespace or repository in it ({@code docker.io/library},
 * {@code quay.io/team/app}); the longest prefix that matches an image's name at a {@code /} decides. Each
 * of its mirrors ({@code host[/path]}) serves the image under the name that results from replacing the
 * prefix by the mirror: {@code docker.io/library/nginx} through the prefix {@code docker.io/library} and the
 * mirror {@code harbor.example.com/hub-proxy} is {@code harbor.example.com/hub-proxy/nginx}; through the
 * prefix {@code docker.io} it is {@code harbor.example.com/hub-proxy/library/nginx}. The image's own
 * registry comes last, so a mirror that lacks it costs one request, not the build.
 */
public final class Mirrors {

    private Mirrors() {
    }

    /**
     * Puts {@code hosts} as the mirrors of {@code prefix} into {@code mirrors}, removing the entries at or under
     * {@code prefix} (from registries.conf), which would otherwise be the longer match: the POM wins.
     */
    public static void override(Map<String, List<String>> mirrors, String prefix, List<String> hosts) {
        mirrors.keySet().removeIf(existing -> existing.equals(prefix) || existing.startsWith(prefix + "/"));
        mirrors.put(prefix, List.copyOf(hosts));
    }

    /**
     * One place to ask: a host and the repository's name there.
     *
     * @param mirror the mirror as configured ({@code host[/path]}), or null for the image's own registry
     */
    public record Source(String host, String repository, String mirror) {
    }

    /** The mirrors of the longest matching prefix, in order, then the image's own registry. */
    public static List<Source> sources(Map<String, List<String>> mirrors, String host, String repository) {
        List<Source> sources = new ArrayList<>();
        Optional<String> prefix = longestPrefix(mirrors.keySet(), host, repository);
        if (prefix.isPresent()) {
            String rest = rest(prefix.get(), host, repository);
            for (String mirror : mirrors.get(prefix.get())) {
                String location = mirror.replaceAll("/+$", "");
                String mirrorHost = hostOf(location);
                String path = location.length() == mirrorHost.length() ? "" : location.substring(mirrorHost.length() + 1);
                String name = path.isEmpty() ? rest : rest.isEmpty() ? path : path + "/" + rest;
                if (!name.isEmpty()) { // a bare host standing for a whole repository names no repository: nothing to ask
                    sources.add(new Source(mirrorHost, name, location));
                }
            }
        }
        sources.add(new Source(host, repository, null));
        return sources;
    }

    /** The host of a location or prefix ({@code host[:port][/path]}). */
    public static String hostOf(String location) {
        int slash = location.indexOf('/');
        return slash < 0 ? location : location.substring(0, slash);
    }

    /** The longest of {@code prefixes} that {@code host/repository} falls under, if any. */
    public static Optional<String> longestPrefix(Collection<String> prefixes, String host, String repository) {
        String name = host + "/" + repository;
        String best = null;
        for (String prefix : prefixes) {
            boolean matches = prefix.equals(host) || name.equals(prefix) || name.startsWith(prefix + "/");
            if (matches && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Why {@code prefix} cannot be a key, or empty when it can: {@code host[:port]} optionally followed by
     * {@code /namespace...}; no scheme, tag, digest, empty segment or wildcard.
     */
    public static Optional<String> problem(String prefix) {
        if (prefix.contains("://")) {
            return Optional.of("has a scheme; write the host without http:// or https://");
        }
        if (prefix.startsWith("*.")) {
            return Optional.of("is a wildcard domain, which is not supported; name each registry");
        }
        if (prefix.contains("@") || prefix.substring(prefix.lastIndexOf('/') + 1).contains(":") && prefix.contains("/")) {
            return Optional.of("has a tag or digest; a prefix names a registry or repositories, not an image");
        }
        String[] segments = prefix.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return Optional.of("has an empty path segment");
            }
        }
        if (!segments[0].matches("[A-Za-z0-9.-]+(:[0-9]+)?|\\[[0-9A-Fa-f:]+](:[0-9]+)?")) {
            return Optional.of("does not start with a host[:port]");
        }
        return Optional.empty();
    }

    private static String rest(String prefix, String host, String repository) {
        if (prefix.equals(host)) {
            return repository;
        }
        String name = host + "/" + repository;
        return name.length() == prefix.length() ? "" : name.substring(prefix.length() + 1);
    }
}
