package io.clusterimage.inventory;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Finding;
import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;
import io.clusterimage.layout.Chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What rendering a chart found, kept under the scan's work directory by everything the render depends on —
 * the chart's files (path, size, time), its values files' content, {@code --set} values, namespace,
 * Kubernetes version, and the plugin build — so a scan after an edit of a manifest does not render an
 * unchanged chart again. A render that failed is never kept.
 */
final class ChartMemo {

    /** Bump when what is kept, or how a render is scanned, changes. */
    private static final String FORMAT = "chart-memo-1";

    /** One image as the scan found it in the chart: the reference (canonical) and where. */
    record Found(String canonical, Occurrence occurrence) {
    }

    /** A workload's container image, for the completeness check. */
    record Use(String canonical, Path file, int line) {
    }

    record Result(List<Found> images, List<Finding> findings, List<Use> uses) {
    }

    private final Path file;

    private ChartMemo(Path file) {
        this.file = file;
    }

    /** The memo of this chart's render with these inputs (which may not exist yet). */
    static ChartMemo of(Chart chart, Path source, Path valuesFile, ChartOptions chartOptions, ScanOptions options) throws IOException {
        Fingerprint key = new Fingerprint(FORMAT).add("chart", chart.source()).add("name", chart.name())
                .add("namespace", options.namespace()).add("kubeVersion", options.kubeVersion())
                .add("set", new TreeMap<>(chartOptions.set())).add("plugin", pluginBuild())
                .addTree(source, p -> false);
        if (valuesFile != null) {
            key.addContent(valuesFile);
        }
        for (Path values : chartOptions.valuesFiles()) {
            key.addContent(values);
        }
        return new ChartMemo(options.workDir().resolve("chart-memo").resolve(key.value() + ".json"));
    }

    /** The plugin's own build (its jar or class directory, by size and time): another build may scan differently. */
    static String pluginBuild() {
        try {
            Path code = Path.of(ChartMemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code + "@" + Files.size(code) + "@" + Files.getLastModifiedTime(code).toMillis();
        } catch (Exception e) {
            return "unknown@" + System.nanoTime(); // nothing to compare with: never reuse
        }
    }

    /** What an earlier render with the same inputs found; null when there is none (or it cannot be read). */
    Result read() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return read(JsonTree.read(file));
        } catch (IOException | IllegalArgumentException e) {
            return null; // a damaged memo is rendered again
        }
    }

    void write(Result result) throws IOException {
        JsonObject root = new JsonObject();
        write(result, root);
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, JsonWriter.compact(root));
    }

    /** A result as {@link #write(Result, JsonObject)} wrote it; IllegalArgumentException when it is not one. */
    static Result read(JsonTree root) {
        List<Found> images = new ArrayList<>();
        for (JsonTree node : root.path("images").elements()) {
            images.add(new Found(node.path("canonical").asText(), new Occurrence(Path.of(node.path("file").asText()),
                    node.path("line").asInt(), SourceKind.valueOf(node.path("kind").asText()), node.path("written").asText())));
        }
        List<Finding> findings = new ArrayList<>();
        for (JsonTree node : root.path("findings").elements()) {
            findings.add(Finding.fromJson(node));
        }
        List<Use> uses = new ArrayList<>();
        for (JsonTree node : root.path("uses").elements()) {
            uses.add(new Use(node.path("canonical").asText(), Path.of(node.path("file").asText()), node.path("line").asInt()));
        }
        return new Result(images, findings, uses);
    }

    /** What a scan of one source (a chart's render, a manifest file) found, into {@code root}. */
    static void write(Result result, JsonObject root) {
        JsonArray images = root.putArray("images");
        for (Found found : result.images()) {
            JsonObject node = images.addObject();
            node.put("canonical", found.canonical());
            node.put("file", found.occurrence().file().toString());
            node.put("line", found.occurrence().line());
            node.put("kind", found.occurrence().kind().name());
            node.put("written", found.occurrence().written());
        }
        JsonArray findings = root.putArray("findings");
        for (Finding finding : result.findings()) {
            finding.writeTo(findings.addObject());
        }
        JsonArray uses = root.putArray("uses");
        for (Use use : result.uses()) {
            uses.addObject().field("canonical", use.canonical()).field("file", use.file().toString()).field("line", use.line());
        }
    }
}
