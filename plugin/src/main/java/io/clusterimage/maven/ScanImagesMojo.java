package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.inventory.ChartRenderException;
import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.InventoryReport;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.layout.Layout;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

    private DeclaredImages declared;

    public ScanImagesMojo() {
        super("scan-images", Option.IDE_FEEDBACK, Option.UP_TO_DATE);
    }

    @Override
    protected boolean skipped() {
        return skipScan;
    }

    @Override
    protected boolean applies() {
        if (inputs().noKubefile()) {
            getLog().info("cluster-image: no Kubefile in " + inputs().contextDescription() + "; nothing to scan");
            return false;
        }
        return true;
    }

    @Override
    protected void prepare() throws MojoExecutionException {
        declared = DeclaredImages.of(this);
    }

    @Override
    protected Fingerprint fingerprint(Fingerprint seeded) throws MojoExecutionException, IOException {
        Fingerprint fingerprint = seeded.add("images", images).add("imageArchives", ImageArchiveConfig.describe(declared.all()))
                .add("charts", ChartConfig.describe(charts)).add("namespace", namespace).add("kubeVersion", kubeVersion)
                .add("failOnUnresolved", failOnUnresolved);
        for (Path input : ImageScanner.inputs(contextDirectory.toPath())) {
            fingerprint.addTree(input, inputs().notBuildOutput());
        }
        Path generated = inputs().generatedContext(effectivePlatforms().get(0));
        fingerprint.add("generated", String.valueOf(generated));
        if (generated != null) {
            fingerprint.addTree(generated.resolve("charts"), p -> false); // charts the fetch goal placed
        }
        return fingerprint;
    }

    @Override
    protected List<Path> outputs() {
        return List.of(outputDirectory.toPath().resolve(InventoryReport.IMAGES_JSON), outputDirectory.toPath().resolve(InventoryReport.IMAGES_TXT));
    }

    @Override
    protected void upToDate() throws IOException {
        ImageInventory previous = InventoryReport.read(outputDirectory.toPath());
        InventoryLookup.remember(this, previous);
        getLog().info("cluster-image: images up to date (" + previous.images().size() + " image(s)); nothing changed since the last scan");
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        if (chartRenderTimeoutSeconds <= 0) {
            throw new MojoExecutionException("chartRenderTimeoutSeconds must be positive (it is " + chartRenderTimeoutSeconds
                    + "); the default is 60");
        }
        Layout layout = inputs().layout();
        ScanOptions options = new ScanOptions(images == null ? List.of() : images, ChartConfig.options(charts), namespace, kubeVersion,
                failOnUnresolved, outputDirectory.toPath().resolve("work"), declared.all(), Duration.ofSeconds(chartRenderTimeoutSeconds))
                .withContents(contentMemo());
        long start = System.nanoTime();
        ImageInventory inventory;
        try {
            inventory = ImageScanner.scan(layout, options);
            InventoryReport.write(inventory, outputDirectory.toPath());
            contentMemo().save(); // what the scan hashed beyond the up-to-date check (files behind links)
        } catch (IOException | ChartRenderException e) {
            throw new MojoExecutionException("scan-images could not read the layout in " + inputs().contextDescription() + ": "
                    + e.getMessage(), e);
        }
        ide().show(inventory.findings());
        if (getLog().isDebugEnabled()) {
            inventory.images().forEach(image -> getLog().debug(image.canonical() + " <- " + image.occurrences()));
        }
        getLog().info("cluster-image: " + inventory.images().size() + " image(s)" + declared.counts() + ", "
                + inventory.tarImages().size() + " archive image(s), " + inventory.ignored().size() + " ignored by .sealignore, in "
                + (System.nanoTime() - start) / 1_000_000 + " ms; " + outputDirectory.toPath().resolve(InventoryReport.IMAGES_TXT));
        InventoryLookup.remember(this, inventory);
        if (!inventory.errors().isEmpty()) {
            throw new MojoFailureException("scan-images found " + inventory.errors().size()
                    + " error(s), listed above as [ERROR] file:line lines.");
        }
        try {
            record();
        } catch (IOException e) {
            getLog().warn("cannot write " + stamp() + ": " + e.getMessage());
        }
    }
}
