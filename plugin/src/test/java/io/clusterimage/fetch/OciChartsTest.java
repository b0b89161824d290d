package io.clusterimage.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Platform;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Charts from an OCI registry (Debian's docker-registry on 127.0.0.1), pushed as Helm pushes them: a range
 * resolved from the tags, the chart layer verified and unpacked, the lock answered offline from the cache,
 * an image that is not a chart refused.
 */
@Tag("tools")
class OciChartsTest {

    @TempDir
    static Path work;

    private static LocalRegistry registry;
    private static String repository;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
        repository = "oci://" + registry.host() + "/charts";
        TestImages images = new TestImages(registry.url());
        for (String version : List.of("0.1.0", "0.2.0", "1.0.0", "0.3.0-rc.1")) {
            pushChart(images, version);
        }
        images.pushImage("charts/notachart", "1.0.0", "linux/amd64", List.of(TestImages.layer("a.bin", 100, 1)));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static void pushChart(TestImages images, String version) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes); TarWriter tar = new TarWriter(gzip)) {
            byte[] chartYaml = ("apiVersion: v2\nname: demo\nversion: " + version + "\n").getBytes(StandardCharsets.UTF_8);
            tar.file("demo/Chart.yaml", 0644, 0, 0, 0, chartYaml.length, new ByteArrayInputStream(chartYaml));
        }
        TestImages.Blob layer = new TestImages.Blob(bytes.toByteArray(), Digests.of(bytes.toByteArray()), OciCharts.CHART_LAYER);
        byte[] configBytes = ("{\"name\":\"demo\",\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8);
        TestImages.Blob config = new TestImages.Blob(configBytes, Digests.of(configBytes), OciCharts.CHART_CONFIG);
        ObjectNode manifest = new ObjectMapper().createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", config.descriptor());
        manifest.putArray("layers").add(layer.descriptor());
        byte[] manifestBytes = new ObjectMapper().writeValueAsBytes(manifest);
        images.pushBlob("charts/demo", layer);
        images.pushBlob("charts/demo", config);
        images.pushManifest("charts/demo", version.replace('+', '_'),
                new TestImages.Blob(manifestBytes, Digests.of(manifestBytes), "application/vnd.oci.image.manifest.v1+json"));
    }

    private Fetcher fetcher(Path cache, boolean offline) throws Exception {
        return Fetcher.create(new BlobCache(cache), offline, RegistryOptions.defaults().withInsecure(Set.of(registry.host())));
    }

    @Test
    void aRangeTakesTheHighestTagAndTheLockWorksOfflineFromTheCache() throws Exception {
        Path out = work.resolve("out-range");
        Path cache = work.resolve("cache-range");
        ChartSource demo = new ChartSource("demo", repository, "^0.1", "<charts><chart> demo");

        LockFile lock = DeclaredSources.fetch(List.of(new ChartSource("demo", repository, ">=0.1.0 <1.0.0", "<charts><chart> demo")),
                List.of(), List.of(Platform.LINUX_AMD64), Optional.empty(), DeclaredSources.LockUse.PREFER, out, fetcher(cache, false),
                m -> { }).lock();

        LockedChart chart = lock.charts().get(0);
        assertEquals("0.2.0", chart.version(), "the highest release below 1.0.0; 0.3.0-rc.1 is a pre-release");
        assertEquals("oci://" + registry.host() + "/charts/demo:0.2.0", chart.url());
        Path root = GeneratedContext.root(out, Platform.LINUX_AMD64);
        assertTrue(Files.readString(root.resolve("charts/demo/Chart.yaml")).contains("version: 0.2.0"));

        List<String> warnings = new ArrayList<>();
        DeclaredSources.fetch(List.of(new ChartSource("demo", repository, ">=0.1.0 <1.0.0", "<charts><chart> demo")), List.of(),
                List.of(Platform.LINUX_AMD64), Optional.of(lock), DeclaredSources.LockUse.REQUIRE, work.resolve("out-offline"),
                fetcher(cache, true), warnings::add);
        assertTrue(Files.readString(GeneratedContext.root(work.resolve("out-offline"), Platform.LINUX_AMD64)
                .resolve("charts/demo/Chart.yaml")).contains("version: 0.2.0"));
        assertEquals(List.of(), warnings);

        String offline = assertThrows(FetchException.class, () -> DeclaredSources.fetch(List.of(demo), List.of(),
                List.of(Platform.LINUX_AMD64), Optional.empty(), DeclaredSources.LockUse.PREFER, work.resolve("out-x"),
                fetcher(cache, true), m -> { })).getMessage();
        assertTrue(offline.contains("must be asked for its versions, and Maven runs offline (-o)"), offline);
    }

    @Test
    void anImageIsNotAChartAndAMissingVersionListsTheNearest() throws Exception {
        Fetcher fetcher = fetcher(work.resolve("cache-errors"), false);
        String notAChart = assertThrows(FetchException.class, () -> fetcher.resolveChart(
                new ChartSource("notachart", repository, "1.0.0", "<charts><chart> notachart"))).getMessage();
        assertTrue(notAChart.contains("has no " + OciCharts.CHART_LAYER + " layer"), notAChart);

        String missing = assertThrows(FetchException.class, () -> fetcher.resolveChart(
                new ChartSource("demo", repository, "^2", "<charts><chart> demo"))).getMessage();
        assertTrue(missing.contains("satisfies '^2'; the nearest are [1.0.0, 0.3.0-rc.1, 0.2.0"), missing);
    }
}
