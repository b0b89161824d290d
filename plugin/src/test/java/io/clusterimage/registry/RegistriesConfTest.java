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
                "quay.io", List.of("quay-mirror.example.com")), conf.mirrors());
        assertEquals(Set.of("10.0.0.5:5000", "registry.internal:5000"), conf.insecure());
        assertEquals(Set.of(), conf.blocked(), "the drop-in's quay.io entry replaced the one that blocked it");
        assertEquals(List.of(main, dropIn), conf.files());
        assertEquals(2, conf.warnings().size(), conf.warnings().toString());
        assertTrue(conf.warnings().get(0).contains("unqualified-search-registries is ignored"), conf.warnings().toString());
        assertTrue(conf.warnings().get(1).contains("prefix \"ghcr.io/acme\" is not taken"), conf.warnings().toString());
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
