package io.clusterimage.maven;

import io.clusterimage.registry.CredentialProvider;
import io.clusterimage.registry.Credentials;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The order save-registry takes credentials in: the POM's {@code <auths>}, then settings.xml
 * {@code <server>} whose id is the registry host (or the host without port), decrypted, then the
 * Docker / podman config files.
 */
class SaveRegistryMojoCredentialsTest {

    @TempDir
    Path home;

    /** "Decrypts" {@code {enc:X}} to {@code X}, as the real SettingsDecrypter does with the master password. */
    static final class FakeDecrypter implements SettingsDecrypter {
        final List<String> decrypted = new ArrayList<>();

        @Override
        public SettingsDecryptionResult decrypt(org.apache.maven.settings.crypto.SettingsDecryptionRequest request) {
            List<Server> servers = new ArrayList<>();
            for (Server server : request.getServers()) {
                Server copy = server.clone();
                if (server.getPassword() != null && server.getPassword().startsWith("{enc:")) {
                    copy.setPassword(server.getPassword().substring(5, server.getPassword().length() - 1));
                    decrypted.add(server.getId());
                }
                servers.add(copy);
            }
            return new SettingsDecryptionResult() {
                public Server getServer() {
                    return servers.isEmpty() ? null : servers.get(0);
                }

                public List<Server> getServers() {
                    return servers;
                }

                public Proxy getProxy() {
                    return null;
                }

                public List<Proxy> getProxies() {
                    return List.of();
                }

                public List<SettingsProblem> getProblems() {
                    return List.of();
                }
            };
        }
    }

    private static Server server(String id, String user, String password) {
        Server server = new Server();
        server.setId(id);
        server.setUsername(user);
        server.setPassword(password);
        return server;
    }

    private static RegistryAuth auth(String registry, String user, String password) {
        RegistryAuth auth = new RegistryAuth();
        auth.registry = registry;
        auth.username = user;
        auth.password = password;
        return auth;
    }

    @Test
    void pomThenSettingsThenDockerConfig() throws Exception {
        Assumptions.assumeTrue(System.getenv("REGISTRY_AUTH_FILE") == null && System.getenv("DOCKER_CONFIG") == null,
                "the environment names its own config files");
        Path dockerConfig = home.resolve(".docker/config.json");
        Files.createDirectories(dockerConfig.getParent());
        String entry = "{\"auth\":\"" + Base64.getEncoder().encodeToString("docker-user:docker-pw".getBytes(StandardCharsets.UTF_8)) + "\"}";
        Files.writeString(dockerConfig, "{\"auths\":{\"pom.example\":" + entry + ",\"settings.example:5000\":" + entry
                + ",\"docker.example\":" + entry + "}}");

        Settings settings = new Settings();
        settings.addServer(server("pom.example", "settings-user", "{enc:settings-pw}"));
        settings.addServer(server("settings.example", "settings-user", "{enc:settings-pw}"));
        SaveRegistryMojo mojo = new SaveRegistryMojo();
        mojo.session = new MavenSession(null, settings, null, null, null, List.of(), home.toString(), new Properties(), new Date());
        FakeDecrypter decrypter = new FakeDecrypter();
        mojo.settingsDecrypter = decrypter;
        mojo.auths = List.of(auth("pom.example", "pom-user", "pom-pw"));
        mojo.requestTimeoutSeconds = 120;
        mojo.minTransferKiBPerSecond = 64;

        String oldHome = System.getProperty("user.home");
        CredentialProvider credentials;
        try {
            System.setProperty("user.home", home.toString());
            credentials = mojo.registryOptions().credentials();
        } finally {
            System.setProperty("user.home", oldHome);
        }
        assertEquals(Optional.of(new Credentials("pom-user", "pom-pw")), credentials.credentialsFor("pom.example"), "the POM first");
        assertEquals(Optional.of(new Credentials("settings-user", "settings-pw")), credentials.credentialsFor("settings.example:5000"),
                "then settings.xml, by host without port, decrypted");
        assertEquals(List.of("settings.example"), decrypter.decrypted);
        assertEquals(Optional.of(new Credentials("docker-user", "docker-pw")), credentials.credentialsFor("docker.example"),
                "then the Docker config");
        assertEquals(Optional.empty(), credentials.credentialsFor("nobody.example"));
    }
}
