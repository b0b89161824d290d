package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.FaultProxy;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected by a proxy between the client and a real docker-registry: transient ones are
 * retried (with the server's Retry-After), final ones (404, 401, wrong content) are not, hostile
 * ones (bodies past their size or without end, bytes trickled one a second) are cut at the size and
 * the deadline, and after every run no corrupt or partial blob is visible in the tree or the cache.
 */
@Tag("tools")
class FaultInjectionTest {

    @TempDir
    static Path work;
    static LocalRegistry source;
    static TestImages.Blob app;
    static TestImages.Blob big;
    static TestImages.Blob small;
    static TestImages.Blob other;

    FaultProxy proxy;
    Path out;
    Path cache;

    @BeforeAll
    static void pushFixtures() throws Exception {
        source = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
        TestImages images = new TestImages(source.url());
        big = TestImages.layer("big.bin", 600_000, 1);
        small = TestImages.layer("small.bin", 40_000, 2);
        app = images.pushImage("faults/app", "1.0", "linux/amd64", List.of(big, small));
        other = images.pushImage("faults/other", "1.0", "linux/amd64", List.of(TestImages.layer("other.bin", 50_000, 3)));
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @BeforeEach
    void start(TestInfo test) throws Exception {
        proxy = new FaultProxy(source.url());
        String name = test.getTestMethod().orElseThrow().getName();
        out = work.resolve("out-" + name);
        cache = work.resolve("cache-" + name);
    }

    /** Whatever happened, nothing corrupt or partial is visible, and no temporary file is left behind. */
    @AfterEach
    void nothingCorruptIsVisible() throws Exception {
        proxy.close();
        TreeChecks.assertEveryBlobVerifies(out);
        TreeChecks.assertEveryBlobVerifies(cache);
        TreeChecks.assertTagsComplete(out.resolve("linux-amd64/registry"));
        TreeChecks.assertNoTemporaryFiles(cache.resolve("incoming"));
        TreeChecks.assertNoTemporaryFiles(out.resolve("linux-amd64/.registry.incoming"));
    }

    private SaveSummary save(String... repositories) throws Exception {
        return save(CredentialProvider.ANONYMOUS, repositories);
    }

    private SaveSummary save(CredentialProvider credentials, String... repositories) throws Exception {
        return save(RegistryOptions.defaults().withCredentials(credentials), repositories);
    }

    private SaveSummary save(RegistryOptions base, String... repositories) throws Exception {
        RegistryOptions options = base.withInsecure(Set.of(proxy.host())).withRetries(4, Duration.ofMillis(20));
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 4, cache, false, line -> { }));
        return saver.save(java.util.Arrays.stream(repositories).map(r -> ImageReference.parse(proxy.host() + "/" + r + ":1.0")).toList());
    }

    private void assertAppSaved() throws Exception {
        Path tree = out.resolve("linux-amd64/registry");
        assertTrue(TreeChecks.assertTagsComplete(tree).contains("faults/app:1.0"));
        assertTrue(Files.isRegularFile(tree.resolve("docker/registry/v2/blobs/sha256/" + big.digest().substring(7, 9) + "/"
                + big.digest().substring(7) + "/data")));
    }

    private static Predicate<String> blob(TestImages.Blob blob) {
        return FaultProxy.contains("/blobs/" + blob.digest());
    }

    private static final Predicate<String> APP_TAG = FaultProxy.contains("/faults/app/manifests/1.0");

    @Test
    void aServerErrorIsRetried() throws Exception {
        proxy.status(APP_TAG, 1, 500, Map.of()).status(blob(big), 1, 503, Map.of());
        save("faults/app");
        assertAppSaved();
        assertEquals(List.of(500, 200), proxy.requests(APP_TAG).stream().map(FaultProxy.Request::status).toList());
        assertEquals(List.of(503, 200), proxy.requests(blob(big)).stream().map(FaultProxy.Request::status).toList());
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() throws Exception {
        proxy.status(blob(big), 1, 429, Map.of("Retry-After", "1"));
        save("faults/app");
        assertAppSaved();
        List<FaultProxy.Request> requests = proxy.requests(blob(big));
        assertEquals(List.of(429, 200), requests.stream().map(FaultProxy.Request::status).toList());
        long waitedMillis = (requests.get(1).nanos() - requests.get(0).nanos()) / 1_000_000;
        assertTrue(waitedMillis >= 950, "Retry-After: 1 honoured (the backoff alone is 20 ms), waited " + waitedMillis + " ms");
    }

    @Test
    void aConnectionResetInTheMiddleOfABlobIsRetried() throws Exception {
        proxy.inject(blob(big), 2, FaultProxy.Fault.RESET_MID_BODY);
        save("faults/app");
        assertAppSaved();
        assertEquals(3, proxy.requests(blob(big)).size());
    }

    @Test
    void aBodyShorterThanItsContentLengthIsRetried() throws Exception {
        proxy.inject(blob(big), 1, FaultProxy.Fault.TRUNCATE).inject(APP_TAG, 1, FaultProxy.Fault.TRUNCATE);
        save("faults/app");
        assertAppSaved();
        assertEquals(2, proxy.requests(blob(big)).size());
        assertEquals(2, proxy.requests(APP_TAG).size());
    }

    @Test
    void aBlobWithWrongContentFailsAsDigestMismatchAndIsStoredNowhere() throws Exception {
        proxy.inject(blob(big), -1, FaultProxy.Fault.CORRUPT);
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> save("faults/app", "faults/other"));
        assertEquals(1, failure.failures().size(), failure.getMessage());
        RegistryException error = failure.failures().get(0).error();
        assertEquals(RegistryException.Kind.DIGEST_MISMATCH, error.kind(), error.getMessage());
        assertTrue(error.getMessage().contains(big.digest()), error.getMessage());
        assertEquals(List.of(), TreeChecks.filesFor(cache, big.digest()), "nothing for the digest in the cache");
        assertEquals(List.of(), TreeChecks.filesFor(out, big.digest()), "nothing for the digest in the tree");
        Path tree = out.resolve("linux-amd64/registry");
        assertEquals(List.of("faults/other:1.0"), TreeChecks.assertTagsComplete(tree), "the other image is still saved, app is not tagged");
        assertFalse(Files.exists(tree.resolve("docker/registry/v2/repositories/faults/app/_manifests/revisions")),
                "app's manifest is not stored without its blobs");
    }

    @Test
    void aManifestWithWrongContentFailsAsDigestMismatch() throws Exception {
        proxy.inject(APP_TAG, -1, FaultProxy.Fault.CORRUPT);
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> save("faults/app"));
        RegistryException error = failure.failures().get(0).error();
        assertEquals(RegistryException.Kind.DIGEST_MISMATCH, error.kind(), error.getMessage());
        assertEquals(List.of(), TreeChecks.filesFor(cache, app.digest()));
        assertEquals(List.of(), TreeChecks.filesFor(out, app.digest()));
    }

    @Test
    void notFoundIsFinalAndNotRetried() throws Exception {
        proxy.status(blob(small), -1, 404, Map.of()).status(FaultProxy.contains("/faults/other/manifests/"), -1, 404, Map.of());
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> save("faults/app", "faults/other"));
        assertEquals(2, failure.failures().size());
        failure.failures().forEach(f -> assertEquals(RegistryException.Kind.NOT_FOUND, f.error().kind(), f.error().getMessage()));
        assertEquals(1, proxy.requests(blob(small)).size(), "a 404 blob is asked for once");
        assertEquals(1, proxy.requests(FaultProxy.contains("/faults/other/manifests/")).size(), "a 404 manifest is asked for once");
        assertEquals(List.of(), TreeChecks.filesFor(cache, small.digest()));
    }

    @Test
    void unauthorizedIsAnsweredOnceAndNeverRetried() throws Exception {
        proxy.status(blob(big), -1, 401, Map.of("WWW-Authenticate", "Basic realm=\"test\""));
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class,
                () -> save(host -> Optional.of(new Credentials("user", "secret")), "faults/app"));
        RegistryException error = failure.failures().get(0).error();
        assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind(), error.getMessage());
        assertTrue(error.getMessage().contains(proxy.host()), error.getMessage());
        List<FaultProxy.Request> requests = proxy.requests(blob(big));
        assertEquals(2, requests.size(), "the request, and the one answer to the challenge: " + requests);
        assertEquals(null, requests.get(0).authorization());
        assertTrue(requests.get(1).authorization().startsWith("Basic "), requests.get(1).toString());
    }

    @Test
    void transientFaultsThatNeverStopEndAsTransientAfterTheConfiguredAttempts() throws Exception {
        proxy.status(blob(big), -1, 502, Map.of());
        ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class, () -> save("faults/app"));
        assertEquals(RegistryException.Kind.TRANSIENT, failure.failures().get(0).error().kind());
        assertEquals(4, proxy.requests(blob(big)).size());
        assertEquals(List.of(), TreeChecks.filesFor(cache, big.digest()));
    }

    // ---- hostile servers: sizes and deadlines ----

    /** A 2 s deadline for every request; blobs get nothing on top (1 GiB/s), so the tests stay short. */
    private static final RegistryOptions SHORT_DEADLINES = RegistryOptions.defaults().withDeadlines(Duration.ofSeconds(2), 1L << 30);

    private RegistryException onlyFailure(ImageSaver.SaveException failure) {
        assertEquals(1, failure.failures().size(), failure.getMessage());
        return failure.failures().get(0).error();
    }

    /** What the proxy sent for {@code path} once its answer has ended (it ends when the client hangs up). */
    private long bytesSentWhenDone(Predicate<String> path) throws InterruptedException {
        for (int i = 0; i < 50 && proxy.bytesSent(path) == 0; i++) {
            Thread.sleep(100);
        }
        return proxy.bytesSent(path);
    }

    @Test
    void aBlobThatGoesOnWithoutEndIsCutOneBytePastItsSizeAndNotKept() throws Exception {
        proxy.inject(blob(big), -1, FaultProxy.Fault.ENDLESS);
        long start = System.nanoTime();
        RegistryException error = onlyFailure(assertThrows(ImageSaver.SaveException.class, () -> save("faults/app")));
        assertEquals(RegistryException.Kind.DIGEST_MISMATCH, error.kind(), error.getMessage());
        assertEquals("the registry sent more than the " + big.content().length + " bytes the manifest declares for blob "
                + big.digest() + " of " + proxy.host() + "/faults/app; the download was stopped there and nothing was stored",
                error.getMessage());
        assertEquals(1, proxy.requests(blob(big)).size(), "a server that lies about a blob is not asked again");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "stopped at once, not after the proxy's minute");
        long sent = bytesSentWhenDone(blob(big));
        assertTrue(sent > 0 && sent < 32L << 20, "the client hung up after the blob's size (the proxy sent " + sent
                + " bytes, socket buffers included; it would send 1 GiB)");
        assertEquals(List.of(), TreeChecks.filesFor(cache, big.digest()), "nothing for the digest in the cache");
        assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")), "no partial download left in incoming/");
    }

    @Test
    void aBlobWhoseContentLengthSaysMoreThanItsManifestIsCutAndNotKept() throws Exception {
        proxy.inject(blob(small), -1, FaultProxy.Fault.OVERLONG);
        RegistryException error = onlyFailure(assertThrows(ImageSaver.SaveException.class, () -> save("faults/app")));
        assertEquals(RegistryException.Kind.DIGEST_MISMATCH, error.kind(), error.getMessage());
        assertTrue(error.getMessage().startsWith("the registry sent more than the " + small.content().length
                + " bytes the manifest declares for blob " + small.digest() + " of " + proxy.host() + "/faults/app"), error.getMessage());
        assertTrue(bytesSentWhenDone(blob(small)) > 0);
        assertEquals(List.of(), TreeChecks.filesFor(cache, small.digest()));
        assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")));
        assertFalse(Files.exists(out.resolve("linux-amd64/registry/docker/registry/v2/repositories/faults/app/_manifests/tags")),
                "the image is not tagged without its blob");
    }

    @Test
    void aManifestThatGoesOnWithoutEndIsCutAt8MiB() throws Exception {
        proxy.inject(APP_TAG, -1, FaultProxy.Fault.ENDLESS);
        RegistryException error = onlyFailure(assertThrows(ImageSaver.SaveException.class, () -> save("faults/app")));
        assertEquals(RegistryException.Kind.UNSUPPORTED, error.kind(), error.getMessage());
        assertEquals("the registry sent more than 8388608 bytes for the manifest of " + proxy.host() + "/faults/app:1.0"
                + ", more than any manifest needs (8 MiB is the limit); nothing was stored", error.getMessage());
        assertEquals(1, proxy.requests(APP_TAG).size());
        assertEquals(List.of(), TreeChecks.filesFor(cache, app.digest()));
        assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")));
    }

    @Test
    void aManifestSentOneByteASecondEndsAtTheRequestDeadline() throws Exception {
        proxy.inject(APP_TAG, -1, FaultProxy.Fault.TRICKLE);
        long start = System.nanoTime();
        RegistryException error = onlyFailure(assertThrows(ImageSaver.SaveException.class, () -> save(SHORT_DEADLINES, "faults/app")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(RegistryException.Kind.TRANSIENT, error.kind(), error.getMessage());
        assertEquals("cannot fetch " + proxy.host() + "/faults/app:1.0: no complete answer within 2 s (the request timeout,"
                + " requestTimeoutSeconds); the registry (or the network) is too slow or stalls", error.getMessage());
        assertTrue(millis >= 1900 && millis < 4500, "ended at the 2 s deadline (a trickled head is cut at once): " + millis + " ms");
        assertEquals(1, proxy.requests(APP_TAG).size(), "a request that ran out of time is not tried again");
        assertEquals(List.of(), TreeChecks.filesFor(cache, app.digest()));
        assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")));
    }

    @Test
    void aBlobSentOneByteASecondEndsAtItsDeadlineAndIsNotKept() throws Exception {
        proxy.inject(blob(big), -1, FaultProxy.Fault.TRICKLE_BODY);
        long start = System.nanoTime();
        RegistryException error = onlyFailure(assertThrows(ImageSaver.SaveException.class, () -> save(SHORT_DEADLINES, "faults/app")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(RegistryException.Kind.TRANSIENT, error.kind(), error.getMessage());
        assertTrue(error.getMessage().startsWith("cannot fetch " + proxy.host() + "/faults/app@" + big.digest()
                + ": no complete answer within 2 s (requestTimeoutSeconds 2 s plus " + big.content().length + " bytes at 1048576 KiB/s,"
                + " minTransferKiBPerSecond)"), error.getMessage());
        // a body that trickles is ended at its next byte after the deadline (HttpURLConnection's streams lock while reading)
        assertTrue(millis >= 1900 && millis < 4500, "ended about the deadline: " + millis + " ms");
        assertEquals(1, proxy.requests(blob(big)).size());
        assertEquals(List.of(), TreeChecks.filesFor(cache, big.digest()));
        assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")), "the partial blob is deleted");
    }

    @Test
    void anInterruptedDownloadStopsAtItsNextByteAndLeavesNothing() throws Exception {
        proxy.inject(blob(big), -1, FaultProxy.Fault.TRICKLE_BODY);
        Path temp = new BlobCache(cache).newTempFile();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(proxy.host())));
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread download = new Thread(() -> {
            try {
                client.blob(proxy.host(), "faults/app", big.digest(), big.content().length, temp);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }, "interrupted-download");
        download.setDaemon(true);
        download.start();
        Thread.sleep(1500); // the head and a byte or two of the body are in
        long start = System.nanoTime();
        download.interrupt(); // what ImageSaver's shutdownNow does to its download threads
        Throwable error = outcome.get(5, java.util.concurrent.TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(error instanceof RegistryException, String.valueOf(error));
        assertEquals("cannot fetch " + proxy.host() + "/faults/app@" + big.digest() + ": interrupted", error.getMessage());
        assertTrue(millis < 2500, "stopped at the next byte (one a second), not after the 600 KB: " + millis + " ms");
        assertEquals(1, proxy.requests(blob(big)).size(), "not tried again");
        assertFalse(Files.exists(temp), "the partial file is deleted");
        assertEquals(List.of(), TreeChecks.files(cache.resolve("incoming")));
    }
}
