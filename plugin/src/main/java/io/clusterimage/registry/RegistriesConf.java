package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What podman, skopeo, buildah and sealos users already say about their registries in
 * {@code registries.conf} (containers-registries.conf(5), version 2): per registry its mirrors, whether it
 * is reached over plain HTTP, whether it is blocked. The user's file replaces the system's, as the
 * container tools read them, and the drop-ins of {@code registries.conf.d/} are laid over it in name order.
 *
 * <p>An entry's {@code prefix} is a registry ({@code docker.io}) or a namespace or repository in it
 * ({@code docker.io/library}); the longest prefix an image falls under decides for it ({@link Mirrors}), and
 * its {@code location} and mirrors serve the image under the name the prefix is replaced with.
 *
 * @param mirrors  per prefix, its mirrors in order, then its location when that is not the prefix itself
 * @param insecure hosts of registries and mirrors marked {@code insecure = true} (TLS is per host)
 * @param blocked  prefixes marked {@code blocked = true}: no image under them is pulled, unless a longer
 *                 prefix that is not blocked matches it
 * @param prefixes every prefix that was taken, blocked or not (the longest match decides)
 * @param files    the files that were read, for messages
 * @param warnings what was not taken, and why
 */
public record RegistriesConf(Map<String, List<String>> mirrors, Set<String> insecure, Set<String> blocked, Set<String> prefixes,
                             List<Path> files, List<String> warnings) {

    private static final TomlMapper TOML = new TomlMapper();

    /** No registries.conf at all. */
    public static RegistriesConf none() {
        return new RegistriesConf(Map.of(), Set.of(), Set.of(), Set.of(), List.of(), List.of());
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
        Map<String, Path> entryFiles = new LinkedHashMap<>(); // where each entry was last written, for warnings
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
                    entryFiles.put(prefix, file);
                }
            }
        }
        Map<String, List<String>> mirrors = new LinkedHashMap<>();
        Set<String> insecure = new LinkedHashSet<>();
        Set<String> blocked = new LinkedHashSet<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> entry : entries.entrySet()) {
            String prefix = entry.getKey();
            JsonNode registry = entry.getValue();
            Optional<String> problem = Mirrors.problem(prefix);
            if (problem.isPresent()) {
                warnings.add(entryFiles.get(prefix) + ": [[registry]] prefix \"" + prefix + "\" is not taken: it " + problem.get());
                continue;
            }
            String location = registry.path("location").asText(prefix).replaceAll("/+$", "");
            List<String> sources = new ArrayList<>();
            for (JsonNode mirror : registry.path("mirror")) {
                String mirrorLocation = mirror.path("location").asText("");
                if (mirrorLocation.isEmpty()) {
                    continue;
                }
                sources.add(mirrorLocation);
                if (mirror.path("insecure").asBoolean(false)) {
                    insecure.add(Mirrors.hostOf(mirrorLocation));
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
                insecure.add(Mirrors.hostOf(prefix));
                insecure.add(Mirrors.hostOf(location));
            }
            if (registry.path("blocked").asBoolean(false)) {
                blocked.add(prefix);
            }
            prefixes.add(prefix);
        }
        return new RegistriesConf(Map.copyOf(mirrors), Set.copyOf(insecure), Set.copyOf(blocked), Set.copyOf(prefixes),
                List.copyOf(read), List.copyOf(warnings));
    }

    /** Whether the entry that decides for {@code host/repository} (its longest prefix) blocks it. */
    public boolean blocks(String host, String repository) {
        return blockingPrefix(host, repository).isPresent();
    }

    /** Why {@code image} may not be pulled: the entry that decides for it is blocked; empty when it may. */
    public Optional<String> blockedReason(ImageReference image) {
        return blockingPrefix(image.domain(), image.repositoryPath()).map(prefix -> image.canonical() + ": " + prefix
                + " is blocked in " + files + " ([[registry]] prefix = \"" + prefix + "\", blocked = true); take the image from"
                + " another registry, or unblock it there");
    }

    /** The prefix that decides for {@code host/repository} (the longest that matches), when it is a blocked one. */
    private Optional<String> blockingPrefix(String host, String repository) {
        return Mirrors.longestPrefix(prefixes, host, repository).filter(blocked::contains);
    }
}
