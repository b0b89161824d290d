package io.clusterimage.registry;

import io.clusterimage.core.Platform;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parallel blob uploads against a real docker-registry: a two-platform image whose platforms share
 * their layer has three distinct blobs, uploaded at the same time (a proxy holds each upload until
 * all three are under way — a sequential pusher would leave the first waiting), the shared layer
 * once; progress lines come in the image's order; manifests go only after every blob; the first
 * failure stops the push, names the blob, and leaves no manifest behind.
 */
@Tag("tools")
class ImagePusherParallelTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static OciLayoutSource layout;
    /** The blobs in the order of the image: amd64 config, the shared layer, arm64 config. */
    static List<String> blobOrder;

    @BeforeAll
    static void buildImage() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        Path context = Files.createDirectories(work.resolve("ctx"));
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "kind: Namespace\nmetadata:\n  name: app\n");
        ImageBuildOptions options = ImageBuildOptions.of(context, context.resolve("work"))
                .withPlatforms(List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64"))).withRefName("app:1");
        BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"),
                "FROM scratch\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests\"]\n"), options);
        Path archive = work.resolve("app.tar");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive);
        layout = ArchiveImages.open("oci-archive", archive, work.resolve("unpacked"));
        List<Manifest.Descriptor> platforms = layout.top(null).children();
        List<Manifest.Descriptor> amd64 = layout.manifest(platforms.get(0).digest(), platforms.get(0).mediaType()).blobs();
        List<Manifest.Descriptor> arm64 = layout.manifest(platforms.get(1).digest(), platforms.get(1).mediaType()).blobs();
        assertEquals(amd64.get(1).digest(), arm64.get(1).digest(), "both platforms have the same layer (the test's premise)");
        blobOrder = List.of(amd64.get(0).digest(), amd64.get(1).digest(), arm64.get(0).digest());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close(); // null when the tool is missing and the tests were skipped
        }
    }

    private static ImagePusher pusher(UploadProxy proxy, int concurrency, List<String> lines) {
        RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(proxy.host()))
                .withRetries(2, Duration.ofMillis(10)));
        return new ImagePusher(client, PushOptions.defaults().withMaxConcurrentUploads(concurrency), lines::add, line -> { });
    }

    private static boolean isBlobPut(UploadProxy.Exchange r) {
        return r.method().equals("PUT") && r.path().contains("/blobs/uploads/");
    }

    private static boolean isManifestPut(UploadProxy.Exchange r) {
        return r.method().equals("PUT") && r.path().contains("/manifests/");
    }

    @Test
    void distinctBlobsGoUpTogetherEachOnceAndManifestsAfterThem() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            UploadProxy.Gate allThree = proxy.gate("PUT", "/v2/par/app/blobs/uploads/", 3, Duration.ofSeconds(20));
            List<String> lines = new CopyOnWriteArrayList<>();

            ImagePusher.PushResult result = pusher(proxy, 4, lines).push(layout, ImageReference.parse(proxy.host() + "/par/app:1.0"), List.of());

            assertTrue(allThree.openedByConcurrentRequests(), "the three uploads were under way at the same time");
            assertEquals(3, result.blobsUploaded(), "three distinct blobs: " + lines);
            List<UploadProxy.Exchange> log = proxy.requests();
            for (String digest : blobOrder) {
                assertEquals(1, log.stream().filter(r -> isBlobPut(r) && r.query().contains(digest.replace(":", "%3A"))).count(),
                        "uploaded once: " + digest);
            }
            List<String> expected = new ArrayList<>();
            for (String digest : blobOrder) {
                expected.add("uploaded " + digest + " (" + ImageSaver.humanBytes(Files.size(layout.blob(digest))) + ")");
            }
            expected.add("tagged " + proxy.host() + "/par/app:1.0 -> " + result.digest());
            assertEquals(expected, lines, "one line per blob, in the image's order, whatever order they finished in");
            int lastBlob = -1;
            int firstManifest = Integer.MAX_VALUE;
            for (int i = 0; i < log.size(); i++) {
                if (isBlobPut(log.get(i))) {
                    lastBlob = i;
                } else if (isManifestPut(log.get(i))) {
                    firstManifest = Math.min(firstManifest, i);
                }
            }
            assertTrue(lastBlob < firstManifest, "manifests only after every blob: " + log);
            assertEquals(result.digest(), TestImages.manifestDigest(registry.url(), "par/app", "1.0"));

            List<String> again = new CopyOnWriteArrayList<>();
            ImagePusher.PushResult second = pusher(proxy, 4, again).push(layout, ImageReference.parse(proxy.host() + "/par/app:1.0"), List.of());
            assertEquals(3, second.blobsPresent());
            assertEquals(0, second.blobsUploaded());
            assertEquals(blobOrder.stream().map(d -> "already present " + d).toList(), again.subList(0, 3));
        }
    }

    /** The gate tells sequential uploads from concurrent ones: with one upload at a time, it is never opened by both. */
    @Test
    void oneUploadAtATimeIsSequential() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            UploadProxy.Gate two = proxy.gate("PUT", "/v2/seq/app/blobs/uploads/", 2, Duration.ofMillis(500));
            pusher(proxy, 1, new ArrayList<>()).push(layout, ImageReference.parse(proxy.host() + "/seq/app:1.0"), List.of());
            assertFalse(two.openedByConcurrentRequests());
        }
    }

    @Test
    void theFirstFailureStopsThePushNamesTheBlobAndWritesNoManifest() throws Exception {
        try (UploadProxy proxy = new UploadProxy(registry.url())) {
            proxy.inject("PUT", "/v2/fail/app/blobs/uploads/", 0, 1, UploadProxy.Fault.STATUS, 403);

            RegistryException error = assertThrows(RegistryException.class, () -> pusher(proxy, 4, new ArrayList<>())
                    .push(layout, ImageReference.parse(proxy.host() + "/fail/app:1.0"), List.of()));

            assertEquals(RegistryException.Kind.FORBIDDEN, error.kind());
            assertTrue(blobOrder.stream().anyMatch(d -> error.getMessage().startsWith("blob " + d + " could not be pushed to "
                    + proxy.host() + "/fail/app: ")), error.getMessage());
            assertTrue(proxy.requests().stream().noneMatch(ImagePusherParallelTest::isManifestPut), proxy.requests().toString());
            assertThrows(IOException.class, () -> TestImages.manifestDigest(registry.url(), "fail/app", "1.0"));
        }
    }
}
