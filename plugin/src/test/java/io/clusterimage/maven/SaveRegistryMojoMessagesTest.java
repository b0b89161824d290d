package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryException;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.testing.FaultProxy;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The [ERROR] lines save-registry prints for an image it could not save, as the user reads them. */
@Tag("tools")
class SaveRegistryMojoMessagesTest {

    @TempDir
    Path work;

    @Test
    void aBlobServedWithTheWrongContentNamesEachDigestOnceAndSaysOnceThatNothingWasStored() throws Exception {
        TestImages.Blob layer = TestImages.layer("a.bin", 20_000, 7);
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
             FaultProxy proxy = new FaultProxy(registry.url())) {
            new TestImages(registry.url()).pushImage("msg/app", "1.0", "linux/amd64", List.of(layer));
            proxy.inject(FaultProxy.contains("/blobs/" + layer.digest()), -1, FaultProxy.Fault.CORRUPT);
            ImageSaver saver = new ImageSaver(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(proxy.host()))
                    .withRetries(1, Duration.ofMillis(1))),
                    new SaveOptions(work.resolve("out"), List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache"), false, l -> { }));
            ImageSaver.SaveException failure = assertThrows(ImageSaver.SaveException.class,
                    () -> saver.save(List.of(ImageReference.parse(proxy.host() + "/msg/app:1.0"))));

            String line = SaveFailures.line(failure.failures().get(0), false);

            String pattern = java.util.regex.Pattern.quote(proxy.host() + "/msg/app:1.0 [linux/amd64]: the registry served blob "
                    + layer.digest() + " of " + proxy.host() + "/msg/app with the wrong content (sha256:") + "[a-f0-9]{64}"
                    + java.util.regex.Pattern.quote(", " + layer.content().length + " bytes); nothing was stored — the registry"
                    + " (or a proxy in between) corrupts content; try again, or configure a <mirrors> entry");
            assertTrue(line.matches(pattern), line);
        }
    }

    @Test
    void anArchiveFailureGetsNoAdviceAboutRegistries() {
        RegistryException error = new RegistryException(RegistryException.Kind.DIGEST_MISMATCH,
                "images/skopeo/tar.txt:2: blob sha256:1 in oci-archive app.tar has the wrong content; the archive is damaged: re-create it");
        ImageSaver.Failure failure = new ImageSaver.Failure("oci-archive:app.tar@apps/app:1.0", Platform.LINUX_AMD64, error);

        assertEquals("oci-archive:app.tar@apps/app:1.0 [linux/amd64]: " + error.getMessage(),
                SaveFailures.line(failure, true));
    }
}
