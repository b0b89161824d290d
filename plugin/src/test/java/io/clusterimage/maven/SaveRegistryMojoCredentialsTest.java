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
            List<Proxy> proxies = new ArrayList<>();
            for (Proxy proxy : request.getProxies()) {
                Proxy copy = proxy.clone();
                if (proxy.getPassword() != null && proxy.getPassword().startsWith("{enc:")) {
                    copy.setPassword(proxy.getPassword().substring(5, proxy.getPassword().length() - 1));
                    decrypted.add(proxy.getId());
                }
                proxies.add(copy);
            }
            return new SettingsDecryptionResult() {
                public Server getServer() {
                    return servers.isEmpty() ? null : servers.get(0);
                }

                public List<Server> getServers() {
                    return servers;
                }

                public Proxy getProxy() {
                    return proxies.isEmpty() ? null : proxies.get(0);
                }

                public List<Proxy> getProxies() {
                    return proxies;
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
    void theActiveProxysCredentialsAreDecryptedAndGoToTheProxyOnly() throws Exception {
        Settings settings = new Settings();
        Proxy proxy = new Proxy();
        proxy.setId("company");
        proxy.setActive(true);
        proxy.setProtocol("http");
        proxy.setHost("proxy.example");
        proxy.setPort(3128);
        proxy.setUsername("proxy-user");
        proxy.setPassword("{enc:proxy-pw}");
        settings.addProxy(proxy);
        SaveRegistryMojo mojo = new SaveRegistryMojo();
        mojo.session = new MavenSession(null, settings, null, null, null, List.of(), home.toString(), new Properties(), new Date());
        FakeDecrypter decrypter = new FakeDecrypter();
        mojo.settingsDecrypter = decrypter;
        mojo.requestTimeoutSeconds = 120;
        mojo.minTransferKiBPerSecond = 64;
        io.clusterimage.registry.RegistryOptions options = mojo.registryOptions();
        assertEquals("proxy-user", options.proxyCredentials().getUserName());
        assertEquals("proxy-pw", new String(options.proxyCredentials().getPassword()));
        assertEquals(List.of("company"), decrypter.decrypted);
        assertEquals(java.util.Optional.of("Basic " + Base64.getEncoder().encodeToString("proxy-user:proxy-pw".getBytes(StandardCharsets.UTF_8))),
                options.preemptiveProxyAuthorization("http://registry.internal:5000/v2/"));
        assertEquals(java.util.Optional.empty(), options.preemptiveProxyAuthorization("https://registry.example/v2/"),
                "an HTTPS request tunnels: the JDK authenticates the CONNECT, nothing goes into the request");

        proxy.setUsername(null);
        assertEquals(null, mojo.registryOptions().proxyCredentials(), "a proxy without <username> gets no credentials");
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

    @Test
    void aPasswordFromAnEnvironmentVariableIsReadWhenNeededAndNeverPrinted() throws Exception {
        SaveRegistryMojo mojo = new SaveRegistryMojo();
        RegistryAuth fromEnv = auth("env.example", "ci", null);
        fromEnv.passwordEnvironmentVariable = "REGISTRY_PW";
        RegistryAuth unset = auth("unset.example", "ci", null);
        unset.passwordEnvironmentVariable = "NOT_SET_PW";
        mojo.auths = List.of(fromEnv, unset);
        mojo.requestTimeoutSeconds = 120;
        mojo.minTransferKiBPerSecond = 64;
        mojo.environment = java.util.Map.of("REGISTRY_PW", "pw-from-env");
        List<String> warnings = new ArrayList<>();
        mojo.setLog(new org.apache.maven.plugin.logging.SystemStreamLog() {
            @Override
            public void warn(CharSequence content) {
                warnings.add(content.toString());
            }
        });

        CredentialProvider credentials = mojo.registryOptions().credentials();

        assertEquals(Optional.of(new Credentials("ci", "pw-from-env")), credentials.credentialsFor("env.example"));
        assertEquals(Optional.empty(), credentials.credentialsFor("unset.example"), "the next sources are asked instead");
        assertEquals(List.of("<auths><auth> for unset.example: the environment variable NOT_SET_PW (<passwordEnvironmentVariable>)"
                + " is not set; trying settings.xml and Docker's credentials instead"), warnings);
        assertEquals("[RegistryAuth[registry=env.example, username=ci, password from $REGISTRY_PW],"
                + " RegistryAuth[registry=unset.example, username=ci, password from $NOT_SET_PW]]", mojo.auths.toString());
        assertEquals("RegistryAuth[registry=pom.example, username=u, password=****]", auth("pom.example", "u", "secret").toString(),
                "what mvn -X prints of the parameter");
    }

    @Test
    void aPasswordAndAnEnvironmentVariableTogetherAreRefused() {
        SaveRegistryMojo mojo = new SaveRegistryMojo();
        RegistryAuth both = auth("both.example", "ci", "pw");
        both.passwordEnvironmentVariable = "REGISTRY_PW";
        mojo.auths = List.of(both);
        org.apache.maven.plugin.MojoExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.maven.plugin.MojoExecutionException.class, mojo::registryOptions);
        assertEquals("<auths><auth> for both.example has both <password> and <passwordEnvironmentVariable>;"
                + " keep <passwordEnvironmentVariable> (the secret stays out of the POM)", e.getMessage());
    }
}
