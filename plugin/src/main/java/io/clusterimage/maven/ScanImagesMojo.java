package io.clusterimage.maven;

import io.clusterimage.inventory.ChartOptions;
import io.clusterimage.inventory.ChartRenderException;
import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.InventoryImage;
import io.clusterimage.inventory.InventoryReport;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutReader;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every image the application uses — manifests/, charts/ (rendered with Helm, hooks and CRDs
 * included), images/shim/, images/skopeo/tar.txt and {@code <images>}, minus .sealignore — and writes
 * {@code images.txt} and {@code images.json} (with where each image was found) to the output directory.
 */
@Mojo(name = "scan-images", defaultPhase = LifecyclePhase.PROCESS_RESOURCES, threadSafe = true)
public class ScanImagesMojo extends AbstractGoalMojo {

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipScan", defaultValue = "false")
    protected boolean skipScan;

    /** Images to bundle that no file names, e.g. ones an operator pulls at run time. */
    @Parameter
    protected List<String> images;

    /** Namespace charts are rendered in (sealos renders with an empty namespace). */
    @Parameter(property = "cluster-image.namespace", defaultValue = "")
    protected String namespace;

    /** Kubernetes version charts see as .Capabilities.KubeVersion. */
    @Parameter(property = "cluster-image.kubeVersion", defaultValue = ScanOptions.DEFAULT_KUBE_VERSION)
    protected String kubeVersion;

    /** Fail when an image: value is not a valid reference, instead of warning. */
    @Parameter(property = "cluster-image.failOnUnresolved", defaultValue = "false")
    protected boolean failOnUnresolved;

    /**
     * Seconds one chart's render may take before it is abandoned with an error naming the chart (a
     * template can loop without end). Real charts render in well under a second.
     */
    @Parameter(property = "cluster-image.chartRenderTimeoutSeconds", defaultValue = "60")
    protected int chartRenderTimeoutSeconds;

    public ScanImagesMojo() {
        super("scan-images");
    }

    @Override
    protected boolean skipped() {
        return skipScan;
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        if ((kubefile == null || kubefile.isBlank()) && KubefileLocator.locate(contextDirectory.toPath(), null).isEmpty()) {
            getLog().info("cluster-image: no Kubefile in " + inputs().contextDescription() + "; nothing to scan");
            return;
        }
        IdeFeedback ide = ide();
        if (ide.unchanged(inputs().outputRoots())) {
            getLog().debug("cluster-image: nothing in " + inputs().contextDescription() + " changed since the IDE's last build");
            return;
        }
        List<io.clusterimage.inventory.DeclaredArchive> archives = new java.util.ArrayList<>(ImageArchiveConfig.resolve(imageArchives, this));
        int declaredArchives = archives.size();
        archives.addAll(AppImageConfig.declared(appImages, archives, outputDirectory));
        io.clusterimage.core.Fingerprint fingerprint = inputs().fingerprint("scan-images")
                .add("images", images).add("imageArchives", ImageArchiveConfig.describe(archives)).add("charts", describeCharts()).add("namespace", namespace)
                .add("kubeVersion", kubeVersion).add("failOnUnresolved", failOnUnresolved);
        Path stamp = outputDirectory.toPath().resolve("scan-images.fingerprint");
        try {
            // exactly what the scan reads: the Kubefile choice, manifests/, charts/, images/, .sealignore
            for (String input : List.of("manifests", "charts", "images", ".sealignore", "Kubefile", "Sealfile", "Dockerfile", "Containerfile")) {
                fingerprint.addTree(contextDirectory.toPath().resolve(input), inputs().notBuildOutput());
            }
            Path generated = inputs().generatedContext(effectivePlatforms().get(0));
            fingerprint.add("generated", String.valueOf(generated));
            if (generated != null) {
                fingerprint.addTree(generated.resolve("charts"), p -> false); // charts the fetch goal placed
            }
            if (!ide.inIde() && fingerprint.matches(stamp, List.of(outputDirectory.toPath().resolve(InventoryReport.IMAGES_JSON),
                    outputDirectory.toPath().resolve(InventoryReport.IMAGES_TXT)))) {
                ImageInventory previous = InventoryReport.read(outputDirectory.toPath());
                if (project != null) {
                    project.setContextValue(InventoryLookup.INVENTORY_CONTEXT_KEY, previous);
                }
                getLog().info("cluster-image: images up to date (" + previous.images().size() + " image(s)); nothing changed since the last scan");
                return;
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot check " + stamp + ": " + e.getMessage(), e);
        }
        if (chartRenderTimeoutSeconds <= 0) {
            throw new MojoExecutionException("chartRenderTimeoutSeconds must be positive (it is " + chartRenderTimeoutSeconds
                    + "); the default is 60");
        }
        Layout layout = layout();
        ScanOptions options = new ScanOptions(images == null ? List.of() : images, chartOptions(), namespace, kubeVersion,
                failOnUnresolved, outputDirectory.toPath().resolve("work"), archives,
                java.time.Duration.ofSeconds(chartRenderTimeoutSeconds));
        long start = System.nanoTime();
        ImageInventory inventory;
        try {
            inventory = ImageScanner.scan(layout, options);
            InventoryReport.write(inventory, outputDirectory.toPath());
        } catch (IOException | ChartRenderException e) {
            throw new MojoExecutionException("scan-images could not read the layout in " + inputs().contextDescription() + ": " + e.getMessage(), e);
        }
        ide.show(inventory.findings());
        if (getLog().isDebugEnabled()) {
            for (InventoryImage image : inventory.images()) {
                getLog().debug(image.canonical() + " <- " + image.occurrences());
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        getLog().info("cluster-image: " + inventory.images().size() + " image(s)"
                + builtCount(declaredArchives, archives.size() - declaredArchives) + ", "
                + inventory.tarImages().size() + " archive image(s), " + inventory.ignored().size() + " ignored by .sealignore, in " + millis + " ms; "
                + outputDirectory.toPath().resolve(InventoryReport.IMAGES_TXT));
        if (project != null) {
            project.setContextValue(InventoryLookup.INVENTORY_CONTEXT_KEY, inventory);
        }
        if (inventory.errors().isEmpty()) {
            try {
                fingerprint.record(stamp);
            } catch (IOException e) {
                getLog().warn("cannot write " + stamp + ": " + e.getMessage());
            }
        }
        if (!inventory.errors().isEmpty()) {
            throw new MojoFailureException("scan-images found " + inventory.errors().size()
                    + " error(s), listed above as [ERROR] file:line lines.");
        }
    }

    private static String builtCount(int archives, int appImages) {
        List<String> parts = new java.util.ArrayList<>();
        if (archives > 0) {
            parts.add(archives + " from <imageArchives>");
        }
        if (appImages > 0) {
            parts.add(appImages + " from <appImages>");
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    /** The layout validate-layout read in this build, or a fresh read when it did not run. */
    private Layout layout() throws MojoExecutionException {
        Object cached = project == null ? null : project.getContextValue(ValidateLayoutMojo.LAYOUT_CONTEXT_KEY);
        if (cached instanceof Layout layout && layout.contextDir().equals(contextDirectory.toPath().toAbsolutePath().normalize())) {
            return layout;
        }
        try {
            return LayoutReader.read(inputs().layoutOptions());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the layout in " + contextDirectory + ": " + e.getMessage(), e);
        }
    }

    private String describeCharts() {
        if (charts == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (ChartConfig chart : charts) {
            text.append(chart.name).append(chart.valuesFiles).append(chart.set == null ? "" : new java.util.TreeMap<>(chart.set));
            if (chart.valuesFiles != null) {
                chart.valuesFiles.forEach(f -> text.append(f.lastModified()).append('/').append(f.length()));
            }
        }
        return text.toString();
    }

    private Map<String, ChartOptions> chartOptions() throws MojoExecutionException {
        Map<String, ChartOptions> result = new HashMap<>();
        if (charts == null) {
            return result;
        }
        for (ChartConfig chart : charts) {
            if (chart.name == null || chart.name.isBlank()) {
                throw new MojoExecutionException("<charts><chart> needs a <name>: the name in the chart's Chart.yaml");
            }
            List<Path> files = chart.valuesFiles == null ? List.of() : chart.valuesFiles.stream().map(File::toPath).toList();
            for (Path file : files) {
                if (!Files.isRegularFile(file)) {
                    throw new MojoExecutionException("<charts><chart><name>" + chart.name + "</name><valuesFiles>: " + file
                            + " does not exist");
                }
            }
            result.put(chart.name, new ChartOptions(files, chart.set == null ? Map.of() : chart.set));
        }
        return result;
    }
}
