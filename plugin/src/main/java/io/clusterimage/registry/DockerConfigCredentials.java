package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Credentials from the files {@code docker login}, {@code podman login} and {@code sealos login}
 * write: {@code auths} entries, {@code credHelpers} per registry and a default {@code credsStore},
 * each helper run as {@code docker-credential-<name> get}. Docker Hub is known under several keys
 * ({@code docker.io}, {@code index.docker.io}, {@code https://index.docker.io/v1/}...), all matched.
 */
public final class DockerConfigCredentials implements CredentialProvider {

    private final List<Path> files;

    public DockerConfigCredentials(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /**
     * The usual locations, in the order the tools consult them: {@code REGISTRY_AUTH_FILE},
     * {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.config/containers/auth.json},
     * {@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}.
     */
    public static DockerConfigCredentials fromEnvironment(Map<String, String> env, Path home) {
        List<Path> files = new ArrayList<>();
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            files.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        }
        if (env.get("XDG_RUNTIME_DIR") != null) {
            files.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
        }
        files.add(home.resolve(".config/containers/auth.json"));
        files.add(env.get("DOCKER_CONFIG") != null ? Path.of(env.get("DOCKER_CONFIG"), "config.json") : home.resolve(".docker/config.json"));
        return new DockerConfigCredentials(files);
    }

    @Override
    public Optional<Credentials> credentialsFor(String host) {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode config;
            try {
                config = Json.MAPPER.readTree(file.toFile());
            } catch (IOException e) {
                continue; // an unreadable config must not stop builds that do not need it
            }
            Optional<Credentials> found = fromConfig(config, host);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<Credentials> fromConfig(JsonNode config, String host) {
        for (String key : keysFor(host)) {
            String helper = config.path("credHelpers").path(key).asText("");
            if (!helper.isEmpty()) {
                return runHelper(helper, key);
            }
        }
        for (String key : keysFor(host)) {
            JsonNode entry = config.path("auths").path(key);
            if (entry.isMissingNode()) {
                continue;
            }
            if (!entry.path("identitytoken").asText("").isEmpty()) {
                return Optional.of(new Credentials("<token>", entry.path("identitytoken").asText()));
            }
            String decoded = decodeAuth(entry.path("auth").asText(""));
            int colon = decoded.indexOf(':'); // the password may itself contain ':'
            if (colon > 0) {
                return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
            if (!entry.path("username").asText("").isEmpty()) {
                return Optional.of(new Credentials(entry.path("username").asText(), entry.path("password").asText("")));
            }
        }
        String store = config.path("credsStore").asText("");
        if (!store.isEmpty()) {
            for (String key : keysFor(host)) {
                Optional<Credentials> found = runHelper(store, key);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** {@code user:password} from an {@code auth} value; empty when it is missing or not base64 (a broken entry is no credential). */
    private static String decodeAuth(String auth) {
        try {
            return new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static List<String> keysFor(String host) {
        if (host.equals("docker.io") || host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
            return List.of("docker.io", "index.docker.io", "https://index.docker.io/v1/", "registry-1.docker.io",
                    "https://registry-1.docker.io");
        }
        return List.of(host, "https://" + host, "http://" + host);
    }

    private static Optional<Credentials> runHelper(String helper, String serverUrl) {
        try {
            Process process = new ProcessBuilder("docker-credential-" + helper, "get").redirectErrorStream(false).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            byte[] output = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                return Optional.empty(); // "credentials not found"
            }
            JsonNode json = Json.MAPPER.readTree(output);
            String user = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            return secret.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, secret));
        } catch (IOException e) {
            return Optional.empty(); // the helper is not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
