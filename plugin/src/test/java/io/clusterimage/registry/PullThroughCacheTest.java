package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A team's CI machines share their downloads through a pull-through cache: Debian's docker-registry in proxy
 * mode, given to every build as the mirror of the upstream registry. The first machine's save fills it; a
 * second machine, with a cache of its own, is served from it — even with the upstream registry gone.
 */
@Tag("tools")
class PullThroughCacheTest {

    @TempDir
    Path work;

    @Test
    void theFirstMachineFillsTheCacheAndTheNextOneIsServedFromItWithTheUpstreamGone() throws Exception {
        TestImages.Blob pushed;
        String upstreamHost;
        try (LocalRegistry upstream = LocalRegistry.start(work.resolve("upstream"), false, null, work.resolve("logs"));
             LocalRegistry pullThrough = LocalRegistry.startPullThrough(work.resolve("pull-through"), work.resolve("logs"), upstream.url())) {
            upstreamHost = upstream.host();
            pushed = new TestImages(upstream.url()).pushImage("team/app", "1.0", "linux/amd64",
                    List.of(TestImages.layer("app.bin", 50_000, 7)));

            SaveSummary first = save("machine-1", upstreamHost, pullThrough.host());
            assertEquals(Map.of(upstreamHost + "/team/app:1.0", pullThrough.host()), first.servedBy(), "the mirror served it");
            assertEquals(2, first.blobsFetched(), "the config and the layer, downloaded through the mirror");
            assertTrue(Files.isDirectory(work.resolve("pull-through/docker/registry/v2/repositories/team/app")),
                    "the pull-through cache kept what it fetched");

            upstream.close(); // the upstream registry is gone (or the machines have no route to it)
            SaveSummary second = save("machine-2", upstreamHost, pullThrough.host());
            assertEquals(Map.of(upstreamHost + "/team/app:1.0", pullThrough.host()), second.servedBy());
            assertEquals(first.blobsFetched(), second.blobsFetched(), "the second machine downloaded everything, from the cache");
        }
        for (String machine : List.of("machine-1", "machine-2")) {
            Path link = work.resolve(machine + "/out/linux-amd64/registry/docker/registry/v2/repositories/team/app/_manifests/tags/1.0/current/link");
            assertEquals(pushed.digest(), Files.readString(link, StandardCharsets.US_ASCII), machine + " has the upstream image");
        }
    }

    /** One CI machine's save-registry: its own blob cache, the pull-through cache as the upstream's mirror. */
    private SaveSummary save(String machine, String upstream, String pullThrough) throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(upstream, pullThrough))
                .withRetries(1, Duration.ofMillis(1)).withMirrors(Map.of(upstream, List.of(pullThrough)));
        ImageSaver saver = new ImageSaver(new RegistryClient(options), new SaveOptions(work.resolve(machine + "/out"),
                List.of(Platform.LINUX_AMD64), false, 2, work.resolve(machine + "/cache"), false, line -> { }));
        return saver.save(List.of(ImageReference.parse(upstream + "/team/app:1.0")));
    }
}
