package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.AuthProxy;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.PasswordAuthentication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A company proxy that wants credentials, in front of Debian's docker-registry: without them the build says
 * where to give them; with settings.xml's, images are saved and pushed (resumable chunks through java.net.http
 * included) through it, and the credentials go to the proxy only.
 */
@Tag("tools")
class ProxyAuthTest {

    @TempDir
    Path work;

    private static RegistryOptions through(AuthProxy proxy, String registryHost, PasswordAuthentication credentials) {
        return new RegistryOptions(CredentialProvider.ANONYMOUS, Set.of(registryHost), java.util.Map.of(), host -> proxy.proxy(), 2,
                java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(30), RegistryOptions.DEFAULT_REQUEST_TIMEOUT,
                RegistryOptions.DEFAULT_MIN_BYTES_PER_SECOND).withProxyCredentials(credentials);
    }

    @Test
    void savingAndPushingGoThroughAProxyThatWantsCredentials() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
             AuthProxy proxy = new AuthProxy("proxy-user", "proxy-pw")) {
            new TestImages(registry.url()).pushImage("team/app", "1.0", "linux/amd64", List.of(TestImages.layer("a.bin", 2000, 1)));
            ImageReference image = ImageReference.parse(registry.host() + "/team/app:1.0");

            ImageSaver.SaveException refused = assertThrows(ImageSaver.SaveException.class, () -> new ImageSaver(
                    new RegistryClient(through(proxy, registry.host(), null)), new SaveOptions(work.resolve("out-none"),
                    List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache"), false, l -> { }, List.of(), false)).save(List.of(image)));
            String message = refused.failures().get(0).error().getMessage();
            assertTrue(message.contains("asks for credentials (407)") && message.contains("<proxy> with <username> and <password>"), message);
            assertEquals(RegistryException.Kind.UNAUTHORIZED, refused.failures().get(0).error().kind());
            assertEquals(1, proxy.requests().size(), "a refusal is not retried: " + proxy.requests());

            RegistryOptions withCredentials = through(proxy, registry.host(), new PasswordAuthentication("proxy-user", "proxy-pw".toCharArray()));
            SaveSummary saved = new ImageSaver(new RegistryClient(withCredentials), new SaveOptions(work.resolve("out"),
                    List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache"), false, l -> { }, List.of(), false)).save(List.of(image));
            assertEquals(1, saved.locked().size(), saved.locked().toString());
            assertTrue(proxy.requests().stream().anyMatch(AuthProxy.Seen::authorized), proxy.requests().toString());

            // a push in resumable chunks: PATCH requests through java.net.http's client, also through the proxy
            byte[] content = new byte[5000];
            new Random(3).nextBytes(content);
            Path blob = Files.write(work.resolve("blob.bin"), content);
            int before = proxy.requests().size();
            new RegistryClient(withCredentials).pushBlob(registry.host(), "team/pushed", Digests.of(content), blob, List.of(), 1024);
            List<AuthProxy.Seen> push = proxy.requests().subList(before, proxy.requests().size());
            assertTrue(push.stream().filter(AuthProxy.Seen::authorized).anyMatch(seen -> seen.method().equals("PATCH")), push.toString());
            assertTrue(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host())))
                    .hasBlob(registry.host(), "team/pushed", Digests.of(content)), "the chunks arrived");
            assertFalse(proxy.requests().stream().anyMatch(AuthProxy.Seen::forwardedProxyCredentials),
                    "the proxy's credentials never travel as the registry's");
        }
    }
}
