package io.clusterimage.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which prefix decides for an image, and the name each of its mirrors serves the image under. */
class MirrorsTest {

    private static final Map<String, List<String>> MIRRORS = Map.of(
            "docker.io", List.of("harbor.example.com/dockerhub-proxy"),
            "docker.io/library", List.of("harbor.example.com/library-proxy/", "plain.example.com"),
            "quay.io/team/app", List.of("mirror.example.com/app-copy", "bare.example.com"));

    @Test
    void aRegistryPrefixKeepsTheWholeRepositoryUnderTheMirrorsPath() {
        assertEquals(List.of(new Mirrors.Source("harbor.example.com", "dockerhub-proxy/acme/tool", "harbor.example.com/dockerhub-proxy"),
                new Mirrors.Source("docker.io", "acme/tool", null)), Mirrors.sources(MIRRORS, "docker.io", "acme/tool"));
    }

    @Test
    void theLongestPrefixWinsAndIsReplacedByEachMirror() {
        assertEquals(List.of(new Mirrors.Source("harbor.example.com", "library-proxy/nginx", "harbor.example.com/library-proxy"),
                new Mirrors.Source("plain.example.com", "nginx", "plain.example.com"),
                new Mirrors.Source("docker.io", "library/nginx", null)), Mirrors.sources(MIRRORS, "docker.io", "library/nginx"));
    }

    @Test
    void aPrefixMatchesAtASlashOnlyAndAWholeRepositoryCanBeOne() {
        assertEquals(Optional.of("docker.io"), Mirrors.longestPrefix(MIRRORS.keySet(), "docker.io", "libraryx/nginx"));
        assertEquals(Optional.empty(), Mirrors.longestPrefix(MIRRORS.keySet(), "quay.io", "team/application"));
        assertEquals(Optional.empty(), Mirrors.longestPrefix(MIRRORS.keySet(), "docker.iox", "library/nginx"));
        // the repository itself as prefix: a mirror with a path names it; a bare host would name no repository and is skipped
        assertEquals(List.of(new Mirrors.Source("mirror.example.com", "app-copy", "mirror.example.com/app-copy"),
                new Mirrors.Source("quay.io", "team/app", null)), Mirrors.sources(MIRRORS, "quay.io", "team/app"));
        assertEquals(List.of(new Mirrors.Source("mirror.example.com", "app-copy/sub", "mirror.example.com/app-copy"),
                new Mirrors.Source("bare.example.com", "sub", "bare.example.com"),
                new Mirrors.Source("quay.io", "team/app/sub", null)), Mirrors.sources(MIRRORS, "quay.io", "team/app/sub"));
    }

    @Test
    void aPrefixThatCannotBeOneSaysWhy() {
        assertEquals(Optional.empty(), Mirrors.problem("docker.io"));
        assertEquals(Optional.empty(), Mirrors.problem("registry.local:5000/team/app"));
        assertEquals(Optional.empty(), Mirrors.problem("[::1]:5000"));
        assertEquals(Optional.of("has a scheme; write the host without http:// or https://"), Mirrors.problem("https://docker.io"));
        assertEquals(Optional.of("is a wildcard domain, which is not supported; name each registry"), Mirrors.problem("*.example.com"));
        assertEquals(Optional.of("has a tag or digest; a prefix names a registry or repositories, not an image"),
                Mirrors.problem("docker.io/library/nginx:1.25"));
        assertEquals(Optional.of("has a tag or digest; a prefix names a registry or repositories, not an image"),
                Mirrors.problem("docker.io/library/nginx@sha256:abc"));
        assertEquals(Optional.of("has an empty path segment"), Mirrors.problem("docker.io//library"));
        assertEquals(Optional.of("does not start with a host[:port]"), Mirrors.problem("docker io/library"));
    }
}
