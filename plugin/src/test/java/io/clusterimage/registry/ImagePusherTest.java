package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.Htpasswd;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * push-image's engine against a real docker-registry with Basic auth: the pushed digest is the
 * built digest (single platform and index), a second push uploads nothing, wrong credentials fail
 * clearly, and skopeo reads the pushed image.
 */
@Tag("tools")
class ImagePusherTest {

    @TempDir
    Path work;

    private Path archive(List<Platform> platforms) throws Exception {
        Path context = Files.createDirectories(work.resolve("app"));
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n");
        String kubefile = "FROM scratch\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests/app.yaml\"]\n";
        ImageBuildOptions options = ImageBuildOptions.of(context, work.resolve("build")).withPlatforms(platforms).withRefName("app:1");
        BuiltImage image = ImageBuilder.build(KubefileParser.parse(Path.of("Kubefile"), kubefile), options);
        Path archive = work.resolve("app.tar");
        OciArchiveWriter.write(image, "app:1", Instant.EPOCH, archive);
        Files.writeString(work.resolve("built.digest"), image.digest());
        return archive;
    }

    private RegistryClient client(LocalRegistry registry, String password) {
        return new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host()))
                .withRetries(2, java.time.Duration.ofMillis(10))
                .withCredentials(host -> Optional.of(new Credentials(Htpasswd.USER, password))));
    }

    @Test
    void pushKeepsTheBuiltDigestAndSkipsBlobsTheRegistryHas() throws Exception {
        Path archive = archive(List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64")));
        String built = Files.readString(work.resolve("built.digest"));
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("store"), false, Htpasswd.write(work.resolve("htpasswd")), work)) {
            ImagePusher pusher = new ImagePusher(client(registry, Htpasswd.PASSWORD), line -> { });
            OciLayoutSource layout = ArchiveImages.open("oci-archive", archive, work.resolve("unpacked"));
            ImagePusher.PushResult first = pusher.push(layout, ImageReference.parse(registry.host() + "/apps/app:1.0"), List.of("latest"));
            assertEquals(built, first.digest());
            assertTrue(first.blobsUploaded() > 0);
            ImagePusher.PushResult second = pusher.push(layout, ImageReference.parse(registry.host() + "/apps/app:1.0"), List.of());
            assertEquals(0, second.blobsUploaded(), "a second push uploads nothing");

            Path skopeo = Tools.require("skopeo");
            Process inspect = new ProcessBuilder(skopeo.toString(), "inspect", "--raw", "--tls-verify=false",
                    "--creds", Htpasswd.USER + ":" + Htpasswd.PASSWORD, "docker://" + registry.host() + "/apps/app:latest")
                    .redirectErrorStream(true).start();
            byte[] raw = inspect.getInputStream().readAllBytes();
            assertEquals(0, inspect.waitFor(), new String(raw, StandardCharsets.UTF_8));
            assertEquals(built, Digests.of(raw), "the registry serves the built index byte for byte");
        }
    }

    @Test
    void wrongCredentialsAreAClearUnauthorizedError() throws Exception {
        Path archive = archive(List.of(Platform.LINUX_AMD64));
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("store2"), false, Htpasswd.write(work.resolve("htpasswd2")), work)) {
            ImagePusher pusher = new ImagePusher(client(registry, "wrong"), line -> { });
            OciLayoutSource layout = ArchiveImages.open("oci-archive", archive, work.resolve("unpacked2"));
            RegistryException error = assertThrows(RegistryException.class,
                    () -> pusher.push(layout, ImageReference.parse(registry.host() + "/apps/app:1.0"), List.of()));
            assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind());
            assertTrue(error.getMessage().contains(registry.host()), error.getMessage());
            assertTrue(!error.getMessage().contains("wrong"), "the password is never shown");
        }
    }
}
