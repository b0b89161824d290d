package io.clusterimage.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;
import io.clusterimage.fetch.ChartSource;
import io.clusterimage.fetch.DeclaredSources;
import io.clusterimage.fetch.Fetcher;
import io.clusterimage.fetch.GeneratedContext;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.RegistryOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Real init.sh layouts of the shared corpus (when present next to the checkout), their vendored charts
 * declared instead: each chart is packaged with Helm (helm-java's package) into a repository served on
 * 127.0.0.1, the vendored copy removed, the chart fetched by the fetch stage, and the scan must find
 * exactly the images it finds with the chart vendored.
 */
@Tag("corpus")
class CorpusDeclaredChartsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {
            "labring-actions+cluster-image__applications-bitnami-mongodb-6.0.2",
            "labring-actions+cluster-image__applications-harbor-v2.6.1",
            "labring-actions+cluster-image__applications-kong-ingress-controller-2.7.0",
            "labring-actions+cluster-image__applications-metallb-v0.13.7",
            "labring-actions+cluster-image__applications-zalando-postgres-operator-v1.8.2",
    })
    void aDeclaredChartGivesTheImagesOfTheVendoredOne(String name) throws Exception {
        Path original = Path.of(System.getProperty("cluster-image.corpus", "../../shared/corpus")).resolve("layouts").resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(original), "shared corpus not present at " + original);
        Path layout = work.resolve("layout");
        copy(original, layout);
        Path repo = Files.createDirectories(work.resolve("repo"));

        // the charts as a repository: helm package, index.yaml with each archive's digest
        List<String[]> charts = new ArrayList<>();
        StringBuilder index = new StringBuilder("apiVersion: v1\nentries:\n");
        for (Path dir : children(layout.resolve("charts"))) {
            if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
                continue;
            }
            JsonNode chart = YAML.readTree(dir.resolve("Chart.yaml").toFile());
            String chartName = chart.path("name").asText();
            String version = chart.path("version").asText();
            HelmRuntime.packageChart(dir, repo, work.resolve("helm"));
            Path archive = repo.resolve(chartName + "-" + version + ".tgz");
            index.append("  ").append(chartName).append(":\n  - version: \"").append(version).append("\"\n    urls: [")
                    .append(archive.getFileName()).append("]\n    digest: ").append(sha256(archive)).append('\n');
            charts.add(new String[]{chartName, version, dir.getFileName().toString()});
        }
        Files.writeString(repo.resolve("index.yaml"), index);

        TreeSet<String> vendored = images(LayoutReader.read(LayoutOptions.of(layout)));

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = repo.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (file.startsWith(repo) && Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(200, Files.size(file));
                Files.copy(file, exchange.getResponseBody());
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            List<ChartSource> declared = new ArrayList<>();
            for (String[] chart : charts) {
                PathTrees.deleteTree(layout.resolve("charts").resolve(chart[2]));
                declared.add(new ChartSource(chart[0], url, chart[1], "<charts><chart> " + chart[0]));
            }
            Path out = work.resolve("out");
            DeclaredSources.fetch(declared, List.of(), List.of(Platform.LINUX_AMD64), Optional.empty(), DeclaredSources.LockUse.PREFER,
                    out, Fetcher.create(new BlobCache(work.resolve("cache")), false, RegistryOptions.defaults()), m -> { });
            Layout fetched = LayoutReader.read(new LayoutOptions(layout, null, Map.of(), List.of(Platform.LINUX_AMD64),
                    GeneratedContext.root(out, Platform.LINUX_AMD64)));

            assertFalse(vendored.isEmpty(), "the vendored layout has images");
            assertEquals(vendored, images(fetched), name);
        } finally {
            server.stop(0);
        }
    }

    private TreeSet<String> images(Layout layout) throws Exception {
        ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(work.resolve("scan")));
        TreeSet<String> images = new TreeSet<>();
        inventory.images().forEach(image -> images.add(image.canonical()));
        return images;
    }

    private static List<Path> children(Path dir) throws Exception {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        children.sort(null);
        return children;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
