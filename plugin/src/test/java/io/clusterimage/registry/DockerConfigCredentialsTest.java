package io.clusterimage.registry;

import io.clusterimage.testing.ChildJvm;
import io.clusterimage.testing.CredentialHelper;
import io.clusterimage.testing.CredentialsMain;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credentials from docker / podman config files and credential helpers. */
@Tag("tools")
class DockerConfigCredentialsTest {

    @TempDir
    Path dir;

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Path config(String name, String json) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private static Optional<Credentials> lookup(Path file, String host) {
        return new DockerConfigCredentials(List.of(file)).credentialsFor(host);
    }

    @Test
    void authsBase64AuthIsSplitAtTheFirstColonOnly() throws Exception {
        Path file = config("config.json", "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("me:pa:ss:") + "\"}}}");
        assertEquals(Optional.of(new Credentials("me", "pa:ss:")), lookup(file, "registry.example.com"));
        assertEquals(Optional.empty(), lookup(file, "other.example.com"));
    }

    @Test
    void authsUsernameAndPasswordFields() throws Exception {
        Path file = config("auth.json", "{\"auths\":{\"localhost:5000\":{\"username\":\"u\",\"password\":\"p:w\"}}}");
        assertEquals(Optional.of(new Credentials("u", "p:w")), lookup(file, "localhost:5000"));
        assertEquals(Optional.empty(), lookup(file, "localhost"), "the port is part of the key");
    }

    @Test
    void anIdentityTokenIsReturnedAsTokenCredentials() throws Exception {
        Path file = config("config.json", "{\"auths\":{\"acr.example.io\":{\"auth\":\"" + base64("00000000-0000-0000-0000-000000000000:")
                + "\",\"identitytoken\":\"refresh-123\"}}}");
        Credentials credentials = lookup(file, "acr.example.io").orElseThrow();
        assertTrue(credentials.isIdentityToken());
        assertEquals("refresh-123", credentials.password());
        assertFalse(credentials.toString().contains("refresh-123"), "toString never shows the secret");
    }

    @Test
    void keysWithASchemeMatchTheHost() throws Exception {
        Path file = config("config.json", "{\"auths\":{\"https://registry.example.com\":{\"auth\":\"" + base64("a:1") + "\"},"
                + "\"http://localhost:5000\":{\"auth\":\"" + base64("b:2") + "\"}}}");
        assertEquals(Optional.of(new Credentials("a", "1")), lookup(file, "registry.example.com"));
        assertEquals(Optional.of(new Credentials("b", "2")), lookup(file, "localhost:5000"));
    }

    @Test
    void dockerHubIsFoundUnderEachOfItsKeys() throws Exception {
        for (String key : List.of("https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io")) {
            Path file = config(key.replaceAll("[^a-z0-9]", "_") + "/config.json",
                    "{\"auths\":{\"" + key + "\":{\"auth\":\"" + base64("hubuser:hubpass") + "\"}}}");
            for (String host : List.of("docker.io", "index.docker.io", "registry-1.docker.io")) {
                assertEquals(Optional.of(new Credentials("hubuser", "hubpass")), lookup(file, host), key + " for " + host);
            }
            assertEquals(Optional.empty(), lookup(file, "ghcr.io"), "Docker Hub's entry is for Docker Hub only");
        }
    }

    @Test
    void unreadableConfigsAreIgnoredAndTheFirstFileThatKnowsTheHostWins() throws Exception {
        Path broken = config("broken/config.json", "{\"auths\": {\"registry.example.com\": ");
        Path directory = dir.resolve("dir/config.json");
        Files.createDirectories(directory);
        Path first = config("first/config.json", "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("first:1") + "\"}}}");
        Path second = config("second/config.json", "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("second:2") + "\"},"
                + "\"only-second.example\":{\"auth\":\"" + base64("second:3") + "\"}}}");
        DockerConfigCredentials provider = new DockerConfigCredentials(List.of(dir.resolve("missing.json"), broken, directory, first, second));
        assertEquals(Optional.of(new Credentials("first", "1")), provider.credentialsFor("registry.example.com"));
        assertEquals(Optional.of(new Credentials("second", "3")), provider.credentialsFor("only-second.example"));
        assertEquals(Optional.empty(), provider.credentialsFor("unknown.example"));
    }

    /** An entry whose {@code auth} is not base64 is no credential, not a crash of the whole save. */
    @Test
    void aMalformedAuthEntryIsIgnored() throws Exception {
        Path broken = config("broken/config.json", "{\"auths\":{\"registry.example.com\":{\"auth\":\"not base64!\"},"
                + "\"fields.example\":{\"auth\":\"%%%\",\"username\":\"u\",\"password\":\"p\"}}}");
        Path fallback = config("fallback/config.json", "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("ok:1") + "\"}}}");
        assertEquals(Optional.empty(), lookup(broken, "registry.example.com"));
        assertEquals(Optional.of(new Credentials("u", "p")), lookup(broken, "fields.example"));
        assertEquals(Optional.of(new Credentials("ok", "1")),
                new DockerConfigCredentials(List.of(broken, fallback)).credentialsFor("registry.example.com"));
    }

    /** The order podman, skopeo and docker use: REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, ~/.config/containers, DOCKER_CONFIG or ~/.docker. */
    @Test
    void fromEnvironmentConsultsTheFilesInTheToolsOrder() throws Exception {
        Path home = dir.resolve("home");
        String host = "registry.example.com";
        Map<String, String> env = new HashMap<>();
        env.put("REGISTRY_AUTH_FILE", config("explicit/auth.json", entry(host, "explicit")).toString());
        env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
        config("run/containers/auth.json", entry(host, "runtime"));
        config("home/.config/containers/auth.json", entry(host, "podman"));
        env.put("DOCKER_CONFIG", dir.resolve("dockerconfig").toString());
        config("dockerconfig/config.json", entry(host, "dockerconfig"));
        config("home/.docker/config.json", entry(host, "homedocker"));

        assertEquals("explicit", DockerConfigCredentials.fromEnvironment(env, home).credentialsFor(host).orElseThrow().username());
        env.remove("REGISTRY_AUTH_FILE");
        assertEquals("runtime", DockerConfigCredentials.fromEnvironment(env, home).credentialsFor(host).orElseThrow().username());
        env.remove("XDG_RUNTIME_DIR");
        assertEquals("podman", DockerConfigCredentials.fromEnvironment(env, home).credentialsFor(host).orElseThrow().username());
        Files.delete(home.resolve(".config/containers/auth.json"));
        assertEquals("dockerconfig", DockerConfigCredentials.fromEnvironment(env, home).credentialsFor(host).orElseThrow().username());
        env.remove("DOCKER_CONFIG");
        assertEquals("homedocker", DockerConfigCredentials.fromEnvironment(env, home).credentialsFor(host).orElseThrow().username());
    }

    private static String entry(String host, String user) {
        return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + base64(user + ":secret") + "\"}}}";
    }

    /**
     * Credential helpers, run as {@code docker-credential-<name> get} from PATH: so the lookups run
     * in a child JVM whose PATH has the fake helpers first.
     */
    @Test
    void credentialHelpersAndTheCredentialStore() throws Exception {
        Path bin = dir.resolve("bin");
        CredentialHelper test = CredentialHelper.write(bin, "test", Map.of("helped.example", List.of("helper-user", "helper:secret")));
        Map<String, List<String>> stored = new LinkedHashMap<>();
        stored.put("stored.example", List.of("store-user", "store-secret"));
        stored.put("https://index.docker.io/v1/", List.of("hub-user", "hub-secret"));
        stored.put("token.example", List.of("<token>", "identity-token"));
        CredentialHelper store = CredentialHelper.write(bin, "store", stored);
        Path file = config("helpers/config.json", "{"
                + "\"auths\":{"
                + "  \"helped.example\":{\"auth\":\"" + base64("auths-user:wrong") + "\"},"
                + "  \"plain.example\":{\"auth\":\"" + base64("plain-user:plain") + "\"},"
                + "  \"stored.example\":{},"
                + "  \"https://index.docker.io/v1/\":{}},"
                + "\"credHelpers\":{\"helped.example\":\"test\",\"missing-helper.example\":\"not-installed\","
                + "  \"unknown-to-helper.example\":\"test\"},"
                + "\"credsStore\":\"store\"}");
        List<String> hosts = List.of("helped.example", "plain.example", "stored.example", "docker.io", "token.example",
                "missing-helper.example", "unknown-to-helper.example", "nothing.example");
        List<String> args = new java.util.ArrayList<>(List.of("config=" + file));
        args.addAll(hosts);
        ProcessBuilder builder = ChildJvm.command(CredentialsMain.class, args);
        builder.environment().put("PATH", ChildJvm.pathWith(bin));
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        Map<String, String> found = new LinkedHashMap<>();
        lines.forEach(line -> found.put(line.substring(0, line.indexOf('\t')), line.substring(line.indexOf('\t') + 1)));

        assertEquals("helper-user\thelper:secret", found.get("helped.example"), "credHelpers for the registry win over auths");
        assertEquals("plain-user\tplain", found.get("plain.example"), "an auths entry with credentials is used before the store");
        assertEquals("store-user\tstore-secret", found.get("stored.example"),
                "the empty auths entry docker writes next to a credsStore falls through to the store");
        assertEquals("hub-user\thub-secret", found.get("docker.io"), "the store is asked under Docker Hub's other keys");
        assertEquals("<token>\tidentity-token", found.get("token.example"), "a helper's <token> user is an identity token");
        assertEquals("-", found.get("missing-helper.example"), "a helper that is not installed gives no credentials, no crash");
        assertEquals("-", found.get("unknown-to-helper.example"), "a helper that does not know the host gives none");
        assertEquals("-", found.get("nothing.example"));

        assertEquals(List.of("get helped.example", "get unknown-to-helper.example"), test.calls(),
                "the per-registry helper is asked with the key it is configured under, and only for its registries");
        List<String> storeCalls = store.calls();
        assertFalse(storeCalls.contains("get helped.example"), "a registry with its own helper never goes to the store");
        assertFalse(storeCalls.contains("get unknown-to-helper.example"), "credHelpers is final for its registry");
        assertFalse(storeCalls.contains("get plain.example"));
        assertTrue(storeCalls.contains("get stored.example"), storeCalls.toString());
        assertTrue(storeCalls.contains("get https://index.docker.io/v1/"), storeCalls.toString());
    }
}
