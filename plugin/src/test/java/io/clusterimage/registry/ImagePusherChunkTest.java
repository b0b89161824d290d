package io.clusterimage.registry;

import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.UploadProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunked uploads against a real docker-registry, through a proxy that counts what goes over the
 * wire: a blob larger than the chunk size goes in consecutive PATCHes; a reset in the middle of a
 * chunk resumes from what the registry holds (not from byte 0); a chunk the registry got but whose
 * answer was lost makes docker-registry drop the upload, so it starts again; a registry that
 * refuses PATCH gets the blob in one PUT. Every time the blob pulled back has its digest.
 */
@Tag("tools")
class ImagePusherChunkTest {

    static final int MiB = 1024 * 1024;

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static OciLayoutSource layout;
    static String built;
    static String bigLayer;
    static long bigSize;

    @BeforeAll
    static void buildImage() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        Path context = Files.createDirectories(work.resolve("ctx"));
        byte[] data = new byte[5 * MiB + 12_345];
        new Random(5).nextBytes(data);
        Files.createDirectories(context.resolve("data"));
        Files.write(context.resolve("data/big.bin"), data);
        ImageBuildOptions options = ImageBuildOptions.of(context, context.resolve("work")).withRefName("big:1");
        BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), "FROM scratch\nCOPY data data\n"), options);
        Path archive = work.resolve("big.tar");
        OciArchiveWriter.write(image, "big:1", Instant.EPOCH, archive);
        layout = ArchiveImages.open("oci-archive", archive, work.resolve("unpacked"));
        built = layout.top(null).digest();
        List<Manifest.Descriptor> blobs = layout.top(null).blobs();
        assertEquals(2, blobs.size(), "a config and one layer");
        bigLayer = blobs.get(1).digest();
        bigSize = Files.size(layout.blob(bigLayer));
        assertTrue(bigSize > 5 * MiB);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close(); // null when the tool is missing and the tests were skipped
        }
    }

    private static ImagePusher.PushResult push(UploadProxy proxy, String repository) throws Exception {
        RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(proxy.host()))
                .withRetries(3, Duration.ofMillis(10)));
        return new ImagePusher(client, PushOptions.defaults().withChunkSize(MiB), line -> { }, line -> { })
                .push(layout, ImageReference.parse(proxy.host() + "/" + repository + ":1.0"), List.of());
    }

    /** Pulls the layer and the manifest back from the registry itself; {@link RegistryClient#blob} verifies digest and size. */
    private static void assertPushedIntact(String repository) throws Exception {
        RegistryClient direct = new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host())));
        Path pulled = work.resolve("pulled-" + repository.replace('/', '-'));
        assertEquals(bigSize, direct.blob(registry.host(), repository, bigLayer, bigSize, pulled));
        assertEquals(built, TestImages.manifestDigest(registry.url(), repository, "1.0"));
    }

    private static List<UploadProxy.Exchange> patches(UploadProxy proxy) {
        return proxy.requests().stream().filter(r -> r.method().equals("PATCH")).toList();
    }

    /** What the PATCHes covered, for assertion messages: "0-1048575 1048576-2097151(RESET_MID_REQUEST_BODY) ...". */
    private static String ranges(List<UploadProxy.Exchange> patches) {
        return String.join(" ", patches.stream().map(p -> p.contentRange() + (p.fault() == null ? "" : "(" + p.fault() + ")")).toList());
    }

    private static long rangeStart(UploadProxy.Exchange patch) {
        return Long.parseLong(patch.contentRange().split("-")[0]);
    }

    @Test
    void aBlobLargerThanTheChunkSizeGoesInConsecutiveChunks() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            ImagePusher.PushResult result = push(proxy, "chunks/plain");

            assertEquals(built, result.digest());
            List<UploadProxy.Exchange> patches = patches(proxy);
            assertEquals((bigSize + MiB - 1) / MiB, patches.size(), ranges(patches));
            for (int i = 0; i < patches.size(); i++) {
                long start = (long) i * MiB;
                long end = Math.min(bigSize, start + MiB) - 1;
                assertEquals(start + "-" + end, patches.get(i).contentRange());
                assertEquals(end - start + 1, patches.get(i).bodyBytes());
                assertEquals(202, patches.get(i).status());
            }
            List<UploadProxy.Exchange> finish = proxy.requests().stream()
                    .filter(r -> r.method().equals("PUT") && r.query() != null && r.query().contains(bigLayer.replace(":", "%3A"))).toList();
            assertEquals(1, finish.size());
            assertEquals(0, finish.get(0).bodyBytes(), "the closing PUT carries no bytes");
            assertEquals(201, finish.get(0).status());
            assertPushedIntact("chunks/plain");
        }
    }

    @Test
    void aResetInTheMiddleOfAChunkResumesFromWhatTheRegistryHolds() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            proxy.inject("PATCH", "/v2/chunks/reset/blobs/uploads/", 2, 1, UploadProxy.Fault.RESET_MID_REQUEST_BODY, 0);

            push(proxy, "chunks/reset");

            List<UploadProxy.Exchange> patches = patches(proxy);
            assertEquals(UploadProxy.Fault.RESET_MID_REQUEST_BODY, patches.get(2).fault(), ranges(patches));
            assertEquals(2L * MiB, rangeStart(patches.get(2)));
            assertEquals(2L * MiB, rangeStart(patches.get(3)), "the third chunk is sent again, not the first: " + ranges(patches));
            assertTrue(proxy.requests().stream().anyMatch(r -> r.method().equals("GET") && r.isUploadOf("chunks/reset") && r.status() == 204),
                    "the registry was asked where the upload stands");
            long sent = patches.stream().mapToLong(UploadProxy.Exchange::bodyBytes).sum();
            assertEquals(bigSize + MiB / 2, sent, "the whole blob once, plus the half chunk that was cut");
            assertPushedIntact("chunks/reset");
        }
    }

    @Test
    void aChunkTheRegistryGotWithoutAnsweringMakesItDropTheUploadSoItStartsAgain() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            proxy.inject("PATCH", "/v2/chunks/lost/blobs/uploads/", 2, 1, UploadProxy.Fault.RESET_AFTER_FORWARDING, 0);

            push(proxy, "chunks/lost");

            List<UploadProxy.Exchange> patches = patches(proxy);
            assertEquals(2, patches.stream().filter(p -> rangeStart(p) == 0).count(),
                    "docker-registry refuses to go on from an older upload state, so the upload starts again: " + ranges(patches));
            assertPushedIntact("chunks/lost");
        }
    }

    @Test
    void aRegistryThatRefusesPatchGetsTheBlobInOneRequest() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            proxy.inject("PATCH", "/v2/chunks/whole/blobs/uploads/", 0, -1, UploadProxy.Fault.STATUS, 405);

            push(proxy, "chunks/whole");

            assertEquals(1, patches(proxy).size(), "one refused PATCH is enough to know");
            assertTrue(proxy.requests().stream().anyMatch(r -> r.method().equals("PUT") && r.bodyBytes() == bigSize && r.status() == 201),
                    proxy.requests().toString());
            assertPushedIntact("chunks/whole");
        }
    }
}
