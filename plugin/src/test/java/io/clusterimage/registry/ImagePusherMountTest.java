package io.clusterimage.registry;

import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TokenFront;
import io.clusterimage.testing.Tools;
import io.clusterimage.testing.UploadProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-repository mounts against a real docker-registry: an image built FROM a base image on the
 * target registry gets the base layers mounted (their bytes never travel), from the base's
 * repository or from repositories the user names, never from another registry; with token auth
 * the mount asks one token for push here and pull there, and a refused mount falls back to an upload.
 */
@Tag("tools")
class ImagePusherMountTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static UploadProxy proxy;
    static TestImages.Blob baseLayer;
    static TestImages.Blob baseManifest;

    @BeforeAll
    static void pushBase() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        proxy = new UploadProxy(registry.url());
        baseLayer = TestImages.layer("opt/tool.bin", 200_000, 7);
        baseManifest = new TestImages(registry.url()).pushIndex("base/rootfs", "1.0", List.of("linux/amd64", "linux/arm64"),
                List.of(baseLayer), 70);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close(); // null when the tool is missing and the tests were skipped
        }
        if (registry != null) {
            registry.close(); // null when the tool is missing and the tests were skipped
        }
    }

    /** Builds (linux/amd64) FROM {@code base} and writes the OCI archive; returns the opened layout. */
    static OciLayoutSource build(String base, RegistryClient fetchClient, String name) throws Exception {
        Path context = Files.createDirectories(work.resolve("ctx-" + name));
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "kind: Namespace\nmetadata:\n  name: " + name + "\n");
        ImageBuildOptions options = ImageBuildOptions.of(context, context.resolve("work")).withRefName("app:1");
        BaseImageFetcher fetcher = new BaseImageFetcher(fetchClient, new BlobCache(work.resolve("cache-" + name)), false);
        BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"),
                "FROM " + base + "\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests\"]\n"), options, fetcher);
        Path archive = work.resolve(name + ".tar");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive);
        return ArchiveImages.open("oci-archive", archive, work.resolve("unpacked-" + name));
    }

    static RegistryClient client(String... insecure) {
        return new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(insecure)).withRetries(2, Duration.ofMillis(10)));
    }

    /** The base layers of the amd64 image: the shared one and the platform's own (what a mount may skip). */
    static List<String> baseLayersOf(OciLayoutSource layout) throws Exception {
        List<Manifest.Descriptor> blobs = layout.top(null).blobs();
        return List.of(blobs.get(1).digest(), blobs.get(2).digest());
    }

    static long size(OciLayoutSource layout, String digest) throws Exception {
        return Files.size(layout.blob(digest));
    }

    @Test
    void baseLayersAreMountedFromTheBaseRepositoryAndTheirBytesNeverTravel() throws Exception {
        OciLayoutSource layout = build(proxy.host() + "/base/rootfs:1.0", client(proxy.host()), "mount");
        List<String> baseLayers = baseLayersOf(layout);
        assertEquals(baseLayer.digest(), baseLayers.get(0));
        List<String> lines = new CopyOnWriteArrayList<>();
        ImagePusher pusher = new ImagePusher(client(proxy.host()), PushOptions.defaults(), lines::add, line -> { });
        int before = proxy.requests().size();

        ImagePusher.PushResult result = pusher.push(layout, ImageReference.parse(proxy.host() + "/apps/mounted:1.0"), List.of());

        assertEquals(layout.top(null).digest(), result.digest());
        assertEquals(2, result.blobsMounted(), "both base layers mounted: " + lines);
        assertEquals(2, result.blobsUploaded(), "our config and our layer uploaded: " + lines);
        assertEquals(0, result.blobsPresent());
        for (String layer : baseLayers) {
            assertTrue(lines.contains("mounted " + layer + " from base/rootfs"), lines.toString());
        }
        List<UploadProxy.Exchange> push = proxy.requests().subList(before, proxy.requests().size());
        List<String> mounts = push.stream().filter(r -> r.method().equals("POST") && r.query() != null && r.query().contains("mount="))
                .map(UploadProxy.Exchange::query).toList();
        assertEquals(4, mounts.size(), "every missing blob tries the base repository: " + mounts);
        assertTrue(mounts.stream().allMatch(q -> q.contains("from=base%2Frootfs")), mounts.toString());
        assertEquals(2, push.stream().filter(r -> r.method().equals("POST") && r.status() == 201).count(), "two mounts done: " + push);
        // the base layers' bytes never went up: what was uploaded to apps/mounted is exactly our config and layer
        List<String> ours = layout.top(null).blobs().stream().map(Manifest.Descriptor::digest).filter(d -> !baseLayers.contains(d)).toList();
        long uploaded = push.stream().filter(r -> r.isUploadOf("apps/mounted")).mapToLong(UploadProxy.Exchange::bodyBytes).sum();
        assertEquals(size(layout, ours.get(0)) + size(layout, ours.get(1)), uploaded);
        for (String layer : baseLayers) {
            assertTrue(push.stream().noneMatch(r -> r.query() != null && r.query().contains("digest=" + layer.replace(":", "%3A"))),
                    "no upload of " + layer);
            // and the registry links the mounted layer into the new repository
            assertTrue(Files.isRegularFile(registry.root().resolve("docker/registry/v2/repositories/apps/mounted/_layers/sha256")
                    .resolve(Digests.hex(layer)).resolve("link")));
        }

        // another tool pulls it as pushed: skopeo reads the same manifest and copies it keeping the digest
        Path skopeo = Tools.require("skopeo");
        assertEquals(result.digest(), Digests.of(run(skopeo.toString(), "inspect", "--raw", "--tls-verify=false",
                "docker://" + registry.host() + "/apps/mounted:1.0")));
        run(skopeo.toString(), "copy", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + registry.host() + "/apps/mounted:1.0", "docker://" + registry.host() + "/apps/copied:1.0");
        assertEquals(result.digest(), TestImages.manifestDigest(registry.url(), "apps/copied", "1.0"));
    }

    @Test
    void configuredRepositoriesAreMountedFromAndOtherRegistriesNever() throws Exception {
        OciLayoutSource layout = build(proxy.host() + "/base/rootfs:1.0", client(proxy.host()), "promote");
        RegistryClient client = client(proxy.host());
        new ImagePusher(client, line -> { }).push(layout, ImageReference.parse(proxy.host() + "/staging/app:1.0"), List.of());
        List<String> lines = new CopyOnWriteArrayList<>();
        ImagePusher promoter = new ImagePusher(client, PushOptions.defaults().withMountFrom(List.of("staging/app", "quay.io/staging/app")),
                lines::add, line -> { });

        ImagePusher.PushResult result = promoter.push(layout, ImageReference.parse(proxy.host() + "/prod/app:1.0"), List.of());

        assertEquals(4, result.blobsMounted(), "base layers from the base, ours from staging: " + lines);
        assertEquals(0, result.blobsUploaded());
        assertEquals(0, result.bytesUploaded());
        assertTrue(lines.contains("not mounting from 'quay.io/staging/app': mounts only work from a repository of " + proxy.host()), lines.toString());
        assertEquals(result.digest(), TestImages.manifestDigest(registry.url(), "prod/app", "1.0"));

        // the same registry under another address is another host: the annotation names proxy.host(), so no mount is asked
        try (UploadProxy other = new UploadProxy(registry.url())) {
            ImagePusher.PushResult elsewhere = new ImagePusher(client(other.host()), line -> { })
                    .push(layout, ImageReference.parse(other.host() + "/else/app:1.0"), List.of());
            assertEquals(0, elsewhere.blobsMounted());
            assertEquals(4, elsewhere.blobsUploaded());
            assertTrue(other.requests().stream().noneMatch(r -> r.query() != null && r.query().contains("mount=")), other.requests().toString());
        }
    }

    @Test
    void withTokenAuthAMountAsksPushHereAndPullThereAndARefusedMountUploads() throws Exception {
        try (TokenFront front = new TokenFront(registry.url(), true, "u", "p", false)) {
            OciLayoutSource layout = build(front.host() + "/base/rootfs:1.0", client(front.host()), "token");
            List<String> debug = new CopyOnWriteArrayList<>();
            ImagePusher.PushResult result = new ImagePusher(client(front.host()), PushOptions.defaults(), line -> { }, debug::add)
                    .push(layout, ImageReference.parse(front.host() + "/apps/token:1.0"), List.of());
            assertEquals(2, result.blobsMounted(), debug.toString());
            assertTrue(front.tokenRequests().stream().anyMatch(t -> t.status() == 200
                            && t.scopes().equals(List.of("repository:apps/token:pull,push", "repository:base/rootfs:pull"))),
                    "one token for both scopes: " + front.tokenRequests());
            assertEquals(result.digest(), TestImages.manifestDigest(registry.url(), "apps/token", "1.0"));

            front.denyPull("base/rootfs");
            debug.clear();
            ImagePusher.PushResult refused = new ImagePusher(client(front.host()), PushOptions.defaults(), line -> { }, debug::add)
                    .push(layout, ImageReference.parse(front.host() + "/apps/refused:1.0"), List.of());
            assertEquals(0, refused.blobsMounted());
            assertEquals(4, refused.blobsUploaded(), "a refused mount is an upload: " + debug);
            assertTrue(debug.stream().anyMatch(line -> line.contains("from base/rootfs was refused")), debug.toString());
            assertTrue(debug.stream().noneMatch(line -> line.contains("Bearer") || line.contains("Basic")), "no credentials in logs");
            assertEquals(result.digest(), TestImages.manifestDigest(registry.url(), "apps/refused", "1.0"));
        }
    }

    static byte[] run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + err);
        return out;
    }
}
