package io.clusterimage.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** registries.conf (version 2) as podman and skopeo read it: mirrors, insecure, blocked, drop-ins laid over, what is not taken said. */
class RegistriesConfTest {

    @TempDir
    Path dir;

    @Test
    void mirrorsInsecureAndBlockedRegistriesAndALaterDropInWins() throws Exception {
        Path main = Files.writeString(dir.resolve("registries.conf"), """
                unqualified-search-registries = ["docker.io", "quay.io"]

                [[registry]]
                prefix = "docker.io"
                location = "docker.io"

                [[registry.mirror]]
                location = "harbor.example.com/dockerhub-proxy"

                [[registry.mirror]]
                location = "10.0.0.5:5000"
                insecure = true

                [[registry]]
                location = "registry.internal:5000"
                insecure = true

                [[registry]]
                prefix = "quay.io"
                location = "quay.io"
                blocked = true

                [[registry]]
                prefix = "ghcr.io/acme"
                location = "mirror.example.com/acme"
                """);
        Path dropIn = Files.writeString(dir.resolve("50-quay.conf"), """
                [[registry]]
                prefix = "quay.io"
                location = "quay-mirror.example.com"
                """);

        RegistriesConf conf = RegistriesConf.read(List.of(main, dropIn, dir.resolve("missing.conf")));

        assertEquals(Map.of("docker.io", List.of("harbor.example.com/dockerhub-proxy", "10.0.0.5:5000"),
                "quay.io", List.of("quay-mirror.example.com"), "ghcr.io/acme", List.of("mirror.example.com/acme")), conf.mirrors());
        assertEquals(Set.of("10.0.0.5:5000", "registry.internal:5000"), conf.insecure());
        assertEquals(Set.of(), conf.blocked(), "the drop-in's quay.io entry replaced the one that blocked it");
        assertEquals(List.of(main, dropIn), conf.files());
        assertEquals(1, conf.warnings().size(), conf.warnings().toString());
        assertTrue(conf.warnings().get(0).contains("unqualified-search-registries is ignored"), conf.warnings().toString());
    }

    @Test
    void aNamespacePrefixIsRewrittenAndTheLongestPrefixDecides() throws Exception {
        Path file = Files.writeString(dir.resolve("registries.conf"), """
                [[registry]]
                prefix = "docker.io"
                blocked = true

                [[registry]]
                prefix = "docker.io/library"
                location = "harbor.example.com/library-proxy"
                [[registry.mirror]]
                location = "mirror.example.com:5000/hub/library"
                insecure = true

                [[registry]]
                prefix = "*.example.org"
                blocked = true

                [[registry]]
                prefix = "quay.io/team/app:1.0"
                """);
        RegistriesConf conf = RegistriesConf.read(List.of(file));

        // docker.io is blocked, but its library namespace has an entry of its own that is not
        assertTrue(conf.blocks("docker.io", "acme/tool"));
        assertFalse(conf.blocks("docker.io", "library/nginx"));
        assertTrue(conf.blocks("docker.io", "libraryx/nginx"), "a prefix matches at a / only: docker.io decides here");
        assertFalse(conf.blocks("quay.io", "team/app"), "no entry: not blocked");
        assertEquals(Set.of("mirror.example.com:5000"), conf.insecure(), "a mirror's host, not its path");
        assertEquals(List.of(
                        new Mirrors.Source("mirror.example.com:5000", "hub/library/nginx", "mirror.example.com:5000/hub/library"),
                        new Mirrors.Source("harbor.example.com", "library-proxy/nginx", "harbor.example.com/library-proxy"),
                        new Mirrors.Source("docker.io", "library/nginx", null)),
                Mirrors.sources(conf.mirrors(), "docker.io", "library/nginx"),
                "mirrors in order, then the location, then the registry itself; the prefix replaced by each");
        assertEquals(2, conf.warnings().size(), conf.warnings().toString());
        assertTrue(conf.warnings().get(0).startsWith(file + ": [[registry]] prefix \"*.example.org\" is not taken: it is a wildcard domain"),
                conf.warnings().toString());
        assertTrue(conf.warnings().get(1).contains("prefix \"quay.io/team/app:1.0\" is not taken: it has a tag or digest"),
                conf.warnings().toString());
    }

    @Test
    void aBlockedRegistryIsListedAndABrokenFileIsNamed() throws Exception {
        Path blocking = Files.writeString(dir.resolve("registries.conf"), "[[registry]]\nlocation = \"docker.io\"\nblocked = true\n");
        assertEquals(Set.of("docker.io"), RegistriesConf.read(List.of(blocking)).blocked());

        Path broken = Files.writeString(dir.resolve("broken.conf"), "[[registry]\nlocation = \n");
        IOException e = assertThrows(IOException.class, () -> RegistriesConf.read(List.of(broken)));
        assertTrue(e.getMessage().startsWith(broken + " is not valid TOML"), e.getMessage());
    }
}
