package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TokenFront;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bearer token flow (Docker Hub, ghcr, Harbor) against a token-auth front in front of a real
 * docker-registry: tokens are asked for the right service and scope, credentials only ever go to the
 * token endpoint, and the saved tree answers with the source's manifest digests.
 */
@Tag("tools")
class BearerTokenSaveTest {

    static final String USER = "robot$ci";
    static final String PASSWORD = "t0k:en pass";

    @TempDir
    static Path work;
    static LocalRegistry backend;
    static TestImages.Blob app;
    static TestImages.Blob multi;

    @BeforeAll
    static void pushFixtures() throws Exception {
        backend = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
        TestImages images = new TestImages(backend.url());
        TestImages.Blob shared = TestImages.layer("shared.bin", 100_000, 1);
        app = images.pushImage("team/app", "1.0", "linux/amd64", List.of(shared, TestImages.layer("app.bin", 30_000, 2)));
        multi = images.pushIndex("team/multi", "2.0", List.of("linux/amd64", "linux/arm64"), List.of(shared), 3);
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    private static List<ImageReference> references(TokenFront front) {
        return List.of(ImageReference.parse(front.host() + "/team/app:1.0"), ImageReference.parse(front.host() + "/team/multi:2.0"));
    }

    private static ImageSaver saver(TokenFront front, Path out, Path cache, CredentialProvider credentials) throws Exception {
        return saver(front, out, cache, RegistryOptions.defaults().withCredentials(credentials));
    }

    private static ImageSaver saver(TokenFront front, Path out, Path cache, RegistryOptions base) throws Exception {
        RegistryOptions options = base.withInsecure(Set.of(front.host())).withRetries(3, Duration.ofMillis(20));
        return new ImageSaver(new RegistryClient(options), new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 4, cache, false,
                line -> { }));
    }

    private static void assertSavedTree(Path out, Path cache) throws Exception {
        Path tree = out.resolve("linux-amd64/registry");
        assertEquals(List.of("team/app:1.0", "team/multi:2.0"), TreeChecks.assertTagsComplete(tree).stream().sorted().toList());
        assertTrue(TreeChecks.assertEveryBlobVerifies(tree) > 0);
        TreeChecks.assertEveryBlobVerifies(cache);
        String amd64 = TestImages.manifestDigest(backend.url(), "team/multi", childDigest("amd64"));
        TreeChecks.assertServes(tree, work.resolve("logs"), Map.of("team/app:1.0", app.digest(), "team/multi:2.0", amd64));
    }

    @Test
    void anonymousTokensAreAskedOncePerRepositoryWithItsPullScope() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), true, USER, PASSWORD, false)) {
            Path out = work.resolve("out-anonymous");
            Path cache = work.resolve("cache-anonymous");
            saver(front, out, cache, CredentialProvider.ANONYMOUS).save(references(front));
            assertSavedTree(out, cache);

            List<TokenFront.TokenRequest> tokens = front.tokenRequests();
            assertEquals(2, tokens.size(), "one token per repository, reused for every manifest and blob: " + tokens);
            assertEquals(Set.of("repository:team/app:pull", "repository:team/multi:pull"),
                    tokens.stream().flatMap(t -> t.scopes().stream()).collect(Collectors.toSet()));
            for (TokenFront.TokenRequest token : tokens) {
                assertEquals(List.of(TokenFront.SERVICE), token.params().get("service"));
                assertNull(token.authorization(), "no credentials configured: none sent");
                assertEquals(200, token.status());
            }
            List<TokenFront.ApiRequest> api = front.apiRequests();
            assertEquals(2, api.stream().filter(r -> r.status() == 401).count(), "one challenge per repository: " + api);
            assertTrue(api.stream().filter(r -> r.status() != 401).allMatch(r -> r.authorization().startsWith("Bearer ")), api.toString());
        }
    }

    /**
     * With credentials, they go to the token endpoint (as Basic) and nowhere else: the registry only
     * ever sees Bearer tokens, and a blob store on another origin that blobs are redirected to sees no
     * Authorization header at all.
     */
    @Test
    void credentialsGoToTheTokenEndpointOnly() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), false, USER, PASSWORD, true)) {
            Path out = work.resolve("out-credentials");
            Path cache = work.resolve("cache-credentials");
            saver(front, out, cache, host -> host.equals(front.host()) ? Optional.of(new Credentials(USER, PASSWORD)) : Optional.empty())
                    .save(references(front));
            assertSavedTree(out, cache);

            List<TokenFront.TokenRequest> tokens = front.tokenRequests();
            assertFalse(tokens.isEmpty());
            for (TokenFront.TokenRequest token : tokens) {
                assertEquals(TokenFront.basic(USER, PASSWORD), token.authorization());
                assertEquals(200, token.status());
                assertEquals(1, token.scopes().size());
                assertTrue(token.scopes().get(0).matches("repository:team/(app|multi):pull"), token.scopes().toString());
            }
            List<TokenFront.ApiRequest> api = front.apiRequests();
            assertTrue(api.stream().anyMatch(r -> r.server().equals("blobstore")), "blobs were redirected: " + api);
            for (TokenFront.ApiRequest request : api) {
                if (request.server().equals("blobstore")) {
                    assertNull(request.authorization(), "credentials or tokens leaked to another origin: " + request);
                    assertEquals(200, request.status(), request.toString());
                } else {
                    assertTrue(request.authorization() == null || request.authorization().startsWith("Bearer "),
                            "the registry itself only ever sees tokens: " + request);
                }
            }
        }
    }

    /**
     * An identity token ({@code identitytoken} in Docker's config.json, {@code <token>} as the user of a
     * credential helper) is an OAuth2 refresh token: it is exchanged with a form POST, never sent as a
     * password, and it appears in no URL.
     */
    @Test
    void anIdentityTokenIsExchangedAsAnOAuth2RefreshToken() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), false, USER, PASSWORD, false).acceptRefreshToken("refresh-xyz")) {
            Path out = work.resolve("out-identity");
            Path cache = work.resolve("cache-identity");
            saver(front, out, cache, host -> Optional.of(new Credentials("<token>", "refresh-xyz"))).save(references(front));
            assertSavedTree(out, cache);
            List<TokenFront.TokenRequest> tokens = front.tokenRequests();
            assertEquals(2, tokens.size(), tokens.toString());
            for (TokenFront.TokenRequest token : tokens) {
                assertEquals(List.of("refresh_token"), token.params().get("grant_type"), "a form POST, not a GET with Basic");
                assertNull(token.authorization(), "the refresh token is not a password");
                assertEquals(200, token.status());
            }
        }
        try (TokenFront front = new TokenFront(backend.url(), false, USER, PASSWORD, false).acceptRefreshToken("refresh-xyz")) {
            ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver(front, work.resolve("out-expired"),
                    work.resolve("cache-expired"), host -> Optional.of(new Credentials("<token>", "expired"))).save(references(front)));
            for (ImageSaver.Failure f : failure.failures()) {
                assertEquals(RegistryException.Kind.UNAUTHORIZED, f.error().kind());
                assertTrue(f.error().getMessage().contains("identity token"), f.error().getMessage());
                assertFalse(f.error().getMessage().contains("expired"), "the token itself is never shown: " + f.error().getMessage());
            }
        }
    }

    @Test
    void wrongCredentialsAreRefusedByTheTokenServiceAsUnauthorized() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), false, USER, PASSWORD, false)) {
            Path out = work.resolve("out-wrong");
            Path cache = work.resolve("cache-wrong");
            ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver(front, out, cache,
                    host -> Optional.of(new Credentials(USER, "wrong"))).save(references(front)));
            assertEquals(2, failure.failures().size());
            for (ImageSaver.Failure f : failure.failures()) {
                assertEquals(RegistryException.Kind.UNAUTHORIZED, f.error().kind(), f.error().getMessage());
                assertTrue(f.error().getMessage().contains(front.host()), f.error().getMessage());
            }
            assertEquals(2, front.tokenRequests().size(), "a refused token request is not retried: " + front.tokenRequests());
            assertEquals(0, TreeChecks.assertEveryBlobVerifies(out));
        }
    }

    @Test
    void withoutCredentialsAPrivateRegistryIsUnauthorized() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), false, USER, PASSWORD, false)) {
            ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver(front, work.resolve("out-none"),
                    work.resolve("cache-none"), CredentialProvider.ANONYMOUS).save(references(front)));
            for (ImageSaver.Failure f : failure.failures()) {
                assertEquals(RegistryException.Kind.UNAUTHORIZED, f.error().kind(), f.error().getMessage());
                assertTrue(f.error().getMessage().contains(front.host()), f.error().getMessage());
            }
            assertTrue(front.tokenRequests().stream().allMatch(t -> t.authorization() == null && t.status() == 401));
        }
    }

    private static String childDigest(String arch) throws Exception {
        for (Manifest.Descriptor child : Manifest.of(multi.content(), null).children()) {
            if (child.architecture().equals(arch)) {
                return child.digest();
            }
        }
        throw new AssertionError(arch);
    }

    // ---- hostile token services ----

    @Test
    void aTokenAnswerWithoutEndIsCutAt1MiB() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), true, USER, PASSWORD, false).hostileTokens(TokenFront.HostileToken.ENDLESS)) {
            Path out = work.resolve("out-endless-token");
            Path cache = work.resolve("cache-endless-token");
            long start = System.nanoTime();
            ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver(front, out, cache,
                    CredentialProvider.ANONYMOUS).save(List.of(ImageReference.parse(front.host() + "/team/app:1.0"))));
            assertEquals(1, failure.failures().size(), failure.getMessage());
            RegistryException error = failure.failures().get(0).error();
            assertEquals(RegistryException.Kind.UNSUPPORTED, error.kind(), error.getMessage());
            assertEquals("the token service of " + front.host() + " sent more than 1048576 bytes for a token (a token is a few KiB);"
                    + " stopped reading there", error.getMessage());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "stopped at 1 MiB, not after the front's 1 GiB");
            assertEquals(1, front.tokenRequests().size(), "not asked again");
            assertEquals(0, TreeChecks.assertEveryBlobVerifies(out));
            assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")));
        }
    }

    @Test
    void aTokenSentOneByteASecondEndsAtTheRequestDeadline() throws Exception {
        try (TokenFront front = new TokenFront(backend.url(), true, USER, PASSWORD, false).hostileTokens(TokenFront.HostileToken.TRICKLE)) {
            Path out = work.resolve("out-slow-token");
            Path cache = work.resolve("cache-slow-token");
            RegistryOptions deadlines = RegistryOptions.defaults().withDeadlines(Duration.ofSeconds(2), 1L << 30);
            long start = System.nanoTime();
            ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> saver(front, out, cache, deadlines)
                    .save(List.of(ImageReference.parse(front.host() + "/team/app:1.0"))));
            long millis = (System.nanoTime() - start) / 1_000_000;
            RegistryException error = failure.failures().get(0).error();
            assertEquals(RegistryException.Kind.TRANSIENT, error.kind(), error.getMessage());
            assertEquals("cannot fetch " + front.host() + "/team/app:1.0: no complete answer within 2 s (the request timeout,"
                    + " requestTimeoutSeconds); the registry (or the network) is too slow or stalls", error.getMessage());
            assertTrue(millis >= 1900 && millis < 4500, "the token request counts against the request's deadline: " + millis + " ms");
            assertEquals(1, front.tokenRequests().size(), "not asked again");
            assertEquals(0, TreeChecks.assertEveryBlobVerifies(out));
            assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")));
        }
    }
}
