package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What podman, skopeo, buildah and sealos users already say about their registries in
 * {@code registries.conf} (containers-registries.conf(5), version 2): per registry its mirrors, whether it
 * is reached over plain HTTP, whether it is blocked. The user's file replaces the system's, as the
 * container tools read them, and the drop-ins of {@code registries.conf.d/} are laid over it in name order.
 *
 * @param mirrors  per registry host, its mirrors in order (a mirror may have a path: a proxy project)
 * @param insecure registries and mirrors marked {@code insecure = true}
 * @param blocked  registries marked {@code blocked = true}: no image is pulled from them
 * @param files    the files that were read, for messages
 * @param warnings what was not taken, and why
 */
public record RegistriesConf(Map<String, List<String>> mirrors, Set<String> insecure, Set<String> blocked, List<Path> files,
                             List<String> warnings) {

    private static final TomlMapper TOML = new TomlMapper();

    /** No registries.conf at all. */
    public static RegistriesConf none() {
        return new RegistriesConf(Map.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    /** The files the container tools read, in their order: the user's registries.conf if it exists, else the system's; then the drop-ins. */
    public static List<Path> defaultFiles() {
        Path user = Path.of(System.getProperty("user.home"), ".config", "containers");
        Path system = Path.of("/etc/containers");
        List<Path> files = new ArrayList<>();
        files.add(Files.isRegularFile(user.resolve("registries.conf")) ? user.resolve("registries.conf") : system.resolve("registries.conf"));
        for (Path dir : List.of(system.resolve("registries.conf.d"), user.resolve("registries.conf.d"))) {
            if (Files.isDirectory(dir)) {
                List<Path> dropIns = new ArrayList<>();
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.conf")) {
                    stream.forEach(dropIns::add);
                } catch (IOException e) {
                    continue; // an unreadable directory is as good as none
                }
                dropIns.sort(null);
                files.addAll(dropIns);
            }
        }
        return files;
    }

    /**
     * Reads the files that exist, later ones overriding the entries of earlier ones with the same prefix.
     *
     * @throws IOException naming the file when it is not TOML
     */
    public static RegistriesConf read(List<Path> candidates) throws IOException {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        List<Path> read = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Path file : candidates) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root;
            try {
                root = TOML.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException(file + " is not valid TOML (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
            }
            read.add(file);
            if (root.has("unqualified-search-registries") && !root.path("unqualified-search-registries").isEmpty()) {
                warnings.add(file + ": unqualified-search-registries is ignored: image names without a registry mean docker.io,"
                        + " as for Docker and sealos");
            }
            if (root.has("registries") || root.path("registries").isObject()) {
                warnings.add(file + ": the version 1 format ([registries.search], [registries.insecure]) is not read; write"
                        + " [[registry]] entries (version 2)");
            }
            for (JsonNode registry : root.path("registry")) {
                String prefix = registry.path("prefix").asText(registry.path("location").asText(""));
                if (!prefix.isEmpty()) {
                    entries.put(prefix, registry);
                }
            }
        }
        Map<String, List<String>> mirrors = new LinkedHashMap<>();
        Set<String> insecure = new LinkedHashSet<>();
        Set<String> blocked = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> entry : entries.entrySet()) {
            String prefix = entry.getKey();
            JsonNode registry = entry.getValue();
            if (prefix.contains("/") || prefix.startsWith("*.")) {
                warnings.add("registries.conf: [[registry]] prefix \"" + prefix + "\" is not taken: only whole registries"
                        + " (host[:port]) are, not repositories or wildcard domains");
                continue;
            }
            String location = registry.path("location").asText(prefix);
            List<String> sources = new ArrayList<>();
            for (JsonNode mirror : registry.path("mirror")) {
                String mirrorLocation = mirror.path("location").asText("");
                if (mirrorLocation.isEmpty()) {
                    continue;
                }
                sources.add(mirrorLocation);
                if (mirror.path("insecure").asBoolean(false)) {
                    insecure.add(mirrorLocation.contains("/") ? mirrorLocation.substring(0, mirrorLocation.indexOf('/')) : mirrorLocation);
                }
            }
            if (!location.equals(prefix)) {
                // the registry is served elsewhere: that location is asked after the mirrors (and before the name itself)
                sources.add(location);
            }
            if (!sources.isEmpty()) {
                mirrors.put(prefix, List.copyOf(sources));
            }
            if (registry.path("insecure").asBoolean(false)) {
                insecure.add(prefix);
                insecure.add(location.contains("/") ? location.substring(0, location.indexOf('/')) : location);
            }
            if (registry.path("blocked").asBoolean(false)) {
                blocked.add(prefix);
            }
        }
        return new RegistriesConf(Map.copyOf(mirrors), Set.copyOf(insecure), Set.copyOf(blocked), List.copyOf(read), List.copyOf(warnings));
    }
}
