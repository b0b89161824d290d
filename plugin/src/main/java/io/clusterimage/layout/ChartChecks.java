package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.TarReader;
import io.clusterimage.core.YamlNodes;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * {@code charts/}: every child directory or {@code *.tgz} is a chart (sealos aborts on anything
 * else), {@code <name>.values.yaml} files match a chart, dependencies are vendored.
 */
final class ChartChecks {

    private static final int MAX_CHART_YAML = 1 << 20;
    private static final LoaderOptions CHART_YAML_OPTIONS = YamlNodes.options(Integer.MAX_VALUE);

    private final ContextPaths paths;
    private final List<Finding> findings;

    /** What the fetch goal placed (its charts/ holds the charts the POM declares), or null. */
    private final Path generated;
    /** {@code charts/<name>.values.yaml} files of the context. */
    private final List<Path> valuesFiles = new ArrayList<>();

    ChartChecks(ContextPaths paths, List<Finding> findings) {
        this(paths, findings, null);
    }

    ChartChecks(ContextPaths paths, List<Finding> findings, Path generated) {
        this.paths = paths;
        this.findings = findings;
        this.generated = generated;
    }

    List<Chart> check() throws IOException {
        List<Chart> charts = checkContext();
        checkGenerated(charts);
        Set<String> chartNames = new TreeSet<>();
        charts.forEach(c -> chartNames.add(c.name()));
        for (Path values : valuesFiles) {
            String fileName = values.getFileName().toString();
            String chartName = fileName.substring(0, fileName.length() - ".values.yaml".length());
            if (!chartNames.contains(chartName)) {
                findings.add(Finding.warning("charts.unmatched-values", rel(values), 0,
                        fileName + " matches no chart: it is applied to the chart whose Chart.yaml name is '" + chartName
                                + "', and the charts here are named " + chartNames,
                        "rename it to <Chart.yaml name>.values.yaml"));
            }
        }
        return charts;
    }

    private void checkGenerated(List<Chart> charts) throws IOException {
        if (generated == null || !Files.isDirectory(generated.resolve("charts"))) {
            return;
        }
        List<Path> placed = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(generated.resolve("charts"))) {
            stream.forEach(placed::add);
        }
        placed.sort(null);
        for (Path dir : placed) {
            Path source = Path.of("charts", dir.getFileName().toString());
            if (Files.exists(paths.root().resolve(source), LinkOption.NOFOLLOW_LINKS)) {
                findings.add(Finding.error("charts.declared-and-vendored", source, 0,
                        source + " is vendored in the repository and also declared with a <repository> in the POM; COPY would"
                                + " mix the two", "delete the vendored copy, or remove <repository> from the chart in the POM"));
                continue;
            }
            readDirectoryChart(dir).ifPresent(chart -> charts.add(new Chart(source, false, chart.name(), chart.version(),
                    chart.dependencies(), dir.toAbsolutePath().normalize())));
        }
    }

    private List<Chart> checkContext() throws IOException {
        Path chartsDir = paths.root().resolve("charts");
        List<Chart> charts = new ArrayList<>();
        if (!Files.isDirectory(chartsDir) || !paths.staysInside(chartsDir)) {
            return charts;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(chartsDir)) {
            stream.forEach(children::add);
        }
        children.sort(null);
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (!paths.staysInside(child)) {
                continue; // LinkChecks reports it; the scan does not render it
            }
            if (Files.isDirectory(child)) {
                if (name.equals("registry") && !Files.exists(child.resolve("Chart.yaml"))) {
                    findings.add(Finding.error("charts.registry-inside", rel(child), 0,
                            "registry/ is inside charts/; sealos treats it as a chart (and Helm may run out of memory loading it)",
                            "keep registry/ next to the Kubefile, not under charts/"));
                    continue;
                }
                readDirectoryChart(child).ifPresent(charts::add);
            } else if (name.endsWith("tgz")) {
                readArchiveChart(child).ifPresent(charts::add);
            } else if (name.endsWith(".values.yaml")) {
                valuesFiles.add(child);
            }
        }
        return charts;
    }

    private Optional<Chart> readDirectoryChart(Path dir) throws IOException {
        Path chartYaml = dir.resolve("Chart.yaml");
        if (!Files.isRegularFile(chartYaml)) {
            findings.add(Finding.error("charts.not-a-chart", rel(dir), 0,
                    "charts/" + dir.getFileName() + " has no Chart.yaml; sealos loads every directory under charts/ as a Helm chart and fails",
                    "move it out of charts/, or add the chart's Chart.yaml"));
            return Optional.empty();
        }
        Node metadata = parseChartYaml(rel(chartYaml), null, Files.readAllBytes(chartYaml));
        if (metadata == null) {
            return Optional.empty();
        }
        String name = YamlNodes.text(YamlNodes.get(metadata, "name"));
        List<Chart.Dependency> dependencies = new ArrayList<>();
        List<Node> declared = YamlNodes.get(metadata, "dependencies") instanceof SequenceNode sequence ? sequence.getValue() : List.of();
        for (Node dependency : declared) {
            String depName = textOr(YamlNodes.get(dependency, "name"), "");
            String version = textOr(YamlNodes.get(dependency, "version"), "");
            boolean vendored = Files.isDirectory(dir.resolve("charts").resolve(depName)) || hasArchive(dir.resolve("charts"), depName);
            dependencies.add(new Chart.Dependency(depName, YamlNodes.text(YamlNodes.get(dependency, "alias")), version,
                    YamlNodes.text(YamlNodes.get(dependency, "condition")), vendored));
            if (!vendored) {
                findings.add(Finding.warning("charts.dependency-missing", rel(chartYaml), dependencyLine(chartYaml, depName),
                        "dependency '" + depName + "' of chart '" + name + "' is not vendored under "
                                + rel(dir.resolve("charts")) + "; its templates and images are left out, and helm install will fail",
                        "run 'helm dependency build " + rel(dir) + "' in init.sh"));
            }
        }
        return Optional.of(new Chart(rel(dir), false, name, textOr(YamlNodes.get(metadata, "version"), ""), dependencies));
    }

    private static boolean hasArchive(Path chartsDir, String dependencyName) throws IOException {
        if (!Files.isDirectory(chartsDir)) {
            return false;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(chartsDir, dependencyName + "-*.tgz")) {
            return stream.iterator().hasNext();
        }
    }

    private Optional<Chart> readArchiveChart(Path archive) {
        byte[] chartYaml = null;
        String entry = null;
        List<String> outside = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            TarReader tar = new TarReader(in);
            TarReader.Entry next;
            // every entry, not only up to Chart.yaml: one anywhere that climbs out of the chart makes it unsafe
            while ((next = tar.next()) != null) {
                if (TarReader.escapes(next.name())) {
                    outside.add(next.name());
                } else if (chartYaml == null && next.isFile() && next.name().matches("[^/]+/Chart\\.yaml")) {
                    entry = next.name();
                    chartYaml = tar.readContent(MAX_CHART_YAML);
                }
            }
        } catch (IOException e) {
            findings.add(Finding.error("charts.bad-archive", rel(archive), 0,
                    "cannot read chart archive: " + e.getMessage(), "replace it with a chart packaged by 'helm package'"));
            return Optional.empty();
        }
        if (!outside.isEmpty()) {
            findings.add(Finding.error("charts.unsafe-entry", rel(archive), 0,
                    "entry '" + outside.get(0) + "'" + (outside.size() > 1 ? " (and " + (outside.size() - 1) + " more)" : "")
                            + " lies outside the chart (an absolute path, or '..' climbing out of it): Helm refuses such a chart"
                            + " ('chart illegally references parent directory') and unpacking it would write outside its directory",
                    "package the chart again with 'helm package <chart directory>'"));
            return Optional.empty();
        }
        if (chartYaml == null) {
            findings.add(Finding.error("charts.not-a-chart", rel(archive), 0,
                    "the archive holds no <chart>/Chart.yaml; sealos loads every *tgz under charts/ as a Helm chart and fails",
                    "replace it with a chart packaged by 'helm package', or move it out of charts/"));
            return Optional.empty();
        }
        Node metadata = parseChartYaml(rel(archive), entry, chartYaml);
        if (metadata == null) {
            return Optional.empty();
        }
        return Optional.of(new Chart(rel(archive), true, YamlNodes.text(YamlNodes.get(metadata, "name")),
                textOr(YamlNodes.get(metadata, "version"), ""), List.of()));
    }

    /**
     * @param where        the Chart.yaml, or the archive that holds it
     * @param archiveEntry the Chart.yaml's name inside the archive, or null for a chart directory: a line
     *                     number inside an archive entry goes into the message, not into the finding's line
     * @return the first document's root, a mapping with a name; null after a finding
     */
    private Node parseChartYaml(Path where, String archiveEntry, byte[] content) {
        String subject = archiveEntry == null ? "Chart.yaml" : archiveEntry + " (inside the archive)";
        try {
            Node node = YamlNodes.firstDocument(YamlNodes.utf8(new ByteArrayInputStream(content)), CHART_YAML_OPTIONS);
            if (textOr(YamlNodes.get(node, "name"), "").isEmpty()) {
                findings.add(Finding.error("charts.chart-yaml", where, 0, subject + " has no name",
                        "add 'name: <chart name>' to Chart.yaml"));
                return null;
            }
            return node;
        } catch (RuntimeException e) { // SnakeYAML's YAMLException, with a MalformedInputException inside for bytes that are not UTF-8
            int line = YamlErrors.line(e, content);
            String problem = YamlErrors.message(e, content);
            if (archiveEntry == null) {
                findings.add(Finding.error("charts.chart-yaml", where, line, "Chart.yaml is not valid YAML: " + problem,
                        "fix the YAML syntax"));
            } else {
                findings.add(Finding.error("charts.chart-yaml", where, 0,
                        subject + " is not valid YAML" + (line > 0 ? " at line " + line : "") + ": " + problem,
                        "fix the chart's Chart.yaml and package it again with 'helm package'"));
            }
            return null;
        }
    }

    private static String textOr(Node node, String otherwise) {
        String text = YamlNodes.text(node);
        return text == null ? otherwise : text;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The line of {@code name: <dependency>} under {@code dependencies:} (not a longer name, not the chart's own). */
    private static int dependencyLine(Path file, String dependencyName) {
        Pattern entry = Pattern.compile(
                "\\s*(?:-\\s+)?name:\\s*([\"']?)" + Pattern.quote(dependencyName) + "\\1\\s*(?:#.*)?");
        try {
            List<String> lines = Files.readAllLines(file);
            boolean inDependencies = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("dependencies:")) {
                    inDependencies = true;
                } else if (inDependencies && entry.matcher(line).matches()) {
                    return i + 1;
                }
            }
        } catch (IOException ignored) {
            // the line number is a convenience; the finding stands without it
        }
        return 0;
    }

    private Path rel(Path path) {
        return Path.of(paths.relativize(path));
    }
}
