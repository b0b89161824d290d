package io.clusterimage.fetch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Json;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.Platform;
import io.clusterimage.registry.SaveOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the fetch goal puts what the POM declares (charts, files) for one platform: a directory laid
 * over the build context by COPY and the scan, under the plugin's output directory — never the
 * source tree.
 */
public final class GeneratedContext {

    private GeneratedContext() {
    }


    /**
     * Records the charts a fetch placed (name, version, repository, archive digest) as JSON next to the trees,
     * for the SBOM: reading it costs less than parsing the lock, and it is right without a lock too.
     */
    public static void recordCharts(Path outputDirectory, List<LockedChart> charts) throws IOException {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (LockedChart chart : charts) {
            array.addObject().put("name", chart.name()).put("version", chart.version()).put("repository", chart.repository())
                    .put("url", chart.url()).put("digest", chart.digest());
        }
        Files.createDirectories(outputDirectory);
        AtomicFiles.write(outputDirectory.resolve(CHARTS_FILE), Json.MAPPER.writeValueAsBytes(array));
    }

    /** The charts the last fetch placed; empty when it placed none (or never ran). */
    public static List<LockedChart> charts(Path outputDirectory) throws IOException {
        Path file = outputDirectory.resolve(CHARTS_FILE);
        List<LockedChart> charts = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return charts;
        }
        for (JsonTree node : JsonTree.read(file).elements()) {
            charts.add(new LockedChart(node.path("name").asText(), node.path("repository").asText(), node.path("version").asText(),
                    node.path("url").asText(), node.path("digest").asText()));
        }
        return charts;
    }

    static final String CHARTS_FILE = "fetched-charts.json";

    /** {@code <outputDirectory>/fetched/<os>-<arch>[-<variant>]}. */
    public static Path root(Path outputDirectory, Platform platform) {
        return outputDirectory.resolve("fetched").resolve(SaveOptions.directoryName(platform));
    }
}
