package io.clusterimage.registry;

import io.clusterimage.testing.AuthProxy;
import io.clusterimage.testing.ChildJvm;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.SaveMain;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A registry on 127.0.0.1 with a certificate of its own CA (made with openssl in the test), as enterprise
 * registries run: refused with the JVM's trust store alone, trusted through a certs.d directory named like
 * the registry; one that requires a client certificate answers only with the certs.d client pair.
 */
@Tag("tools")
class RegistryTlsTest {

    @TempDir
    static Path work;

    private static TestImages.Blob image;

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Tools.require("openssl").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), "openssl " + String.join(" ", args) + ": " + output);
    }

    @BeforeAll
    static void certificatesAndAnImage() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca");
        Files.writeString(work.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
                "-days", "2", "-extfile", "server.ext");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=build-machine");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.cert",
                "-days", "2");
        // the image is pushed over plain HTTP, then the same storage is served over TLS
        try (LocalRegistry plain = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"))) {
            image = new TestImages(plain.url()).pushImage("tls/app", "1.0", "linux/amd64", List.of(TestImages.layer("a.bin", 300, 1)));
        }
    }

    private static Path certsDirectory(String host, boolean withClient) throws Exception {
        Path root = Files.createTempDirectory(work, "certs.d");
        Path dir = Files.createDirectories(root.resolve(host));
        Files.copy(work.resolve("ca.crt"), dir.resolve("ca.crt"));
        if (withClient) {
            Files.copy(work.resolve("client.cert"), dir.resolve("client.cert"));
            Files.copy(work.resolve("client.key"), dir.resolve("client.key"));
        }
        return root;
    }

    private static Manifest manifest(String host, Path certsRoot) throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withRetries(1, java.time.Duration.ofMillis(1));
        if (certsRoot != null) {
            options = options.withTls(new RegistryTls(List.of(certsRoot)));
        }
        return new RegistryClient(options).manifest(host, "tls/app", "1.0");
    }

    @Test
    void aRegistryOfItsOwnCaIsTrustedThroughCertsDOnly() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startTls(work.resolve("root"), work.resolve("logs-tls"), work.resolve("server.crt"),
                work.resolve("server.key"), null)) {
            RegistryException refused = assertThrows(RegistryException.class, () -> manifest(registry.host(), null));
            assertEquals(RegistryException.Kind.TLS, refused.kind(), refused.getMessage());

            assertEquals(image.digest(), manifest(registry.host(), certsDirectory(registry.host(), false)).digest());
            // a directory named by the host alone applies to every port (containers-certs.d)
            assertEquals(image.digest(), manifest(registry.host(), certsDirectory("127.0.0.1", false)).digest());
        }
    }

    @Test
    void aRegistryThatRequiresAClientCertificateGetsTheCertsDPair() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startTls(work.resolve("root"), work.resolve("logs-mtls"), work.resolve("server.crt"),
                work.resolve("server.key"), work.resolve("ca.crt"))) {
            assertThrows(RegistryException.class, () -> manifest(registry.host(), certsDirectory(registry.host(), false)),
                    "without a client certificate");
            assertEquals(image.digest(), manifest(registry.host(), certsDirectory(registry.host(), true)).digest());
        }
    }

    /**
     * An HTTPS registry behind a company proxy that wants Basic credentials: the request goes through a CONNECT
     * tunnel, whose credentials the JDK sends only when started with {@code -Djdk.http.auth.tunneling.disabledSchemes=}
     * (it reads the property once, at start: hence a JVM of its own); without it, the build stops with a message
     * that names the property, after one attempt.
     */
    @Test
    void anHttpsRegistryBehindAnAuthenticatingProxyIsReachedThroughTheTunnel() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startTls(work.resolve("root"), work.resolve("logs-tunnel"), work.resolve("server.crt"),
                work.resolve("server.key"), null);
             AuthProxy proxy = new AuthProxy("builder", "proxy-secret")) {
            Path certs = certsDirectory(registry.host(), false);
            List<String> common = List.of("cache=" + work.resolve("tunnel-cache"), "proxy=" + proxy.port(),
                    "proxyuser=builder:proxy-secret", "certs=" + certs, registry.host() + "/tls/app:1.0");

            String refused = run(List.of(), common, "tunnel-refused");
            assertTrue(refused.contains("FAILED") && refused.contains("-Djdk.http.auth.tunneling.disabledSchemes="), refused);

            String saved = run(List.of("-Djdk.http.auth.tunneling.disabledSchemes="), common, "tunnel");
            assertTrue(saved.contains("SAVED 1 "), saved);
            assertEquals(image.digest(), Files.readString(work.resolve("out-tunnel/linux-amd64/registry/docker/registry/v2/repositories"
                    + "/tls/app/_manifests/tags/1.0/current/link")));
            assertTrue(proxy.requests().stream().anyMatch(seen -> seen.method().equals("CONNECT") && seen.authorized()
                    && seen.url().equals(registry.host())), proxy.requests().toString());
        }
    }

    private String run(List<String> jvmOptions, List<String> args, String name) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("out=" + work.resolve("out-" + name)));
        all.addAll(args);
        Process process = ChildJvm.command(SaveMain.class, jvmOptions, all).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), output);
        return output;
    }

    @Test
    void aClientCertificateWithoutItsKeyNamesTheFile() throws Exception {
        Path root = Files.createTempDirectory(work, "certs.d");
        Path dir = Files.createDirectories(root.resolve("registry.example.com"));
        Files.copy(work.resolve("client.cert"), dir.resolve("client.cert"));
        RegistryException e = assertThrows(RegistryException.class, () -> new RegistryTls(List.of(root)).contextFor("registry.example.com"));
        assertTrue(e.getMessage().contains("client.cert has no client.key next to it"), e.getMessage());
    }
}
