package io.clusterimage.inventory;

import io.clusterimage.core.ContentMemo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to scan, beyond the layout itself.
 *
 * @param extraImages      images listed in the POM ({@code <images>})
 * @param charts           per chart (by Chart.yaml name): extra values files and --set values
 * @param namespace        namespace to render charts in (sealos: empty)
 * @param kubeVersion      Kubernetes version charts see in {@code .Capabilities.KubeVersion}
 * @param failOnUnresolved whether an {@code image:} value that is not a valid reference is an error
 * @param workDir          a directory the scan may use for chart copies (under target/)
 * @param archives         images other tools of the build write to files ({@code <imageArchives>})
 * @param chartRenderTimeout how long one chart's render may take before it is abandoned
 * @param contents         the content hashes of the layout's files, by which what each manifest file held is kept
 *                         for the next scan ({@link ManifestMemo}); null: every file is read every time
 */
public record ScanOptions(List<String> extraImages, Map<String, ChartOptions> charts, String namespace, String kubeVersion,
                          boolean failOnUnresolved, Path workDir, List<DeclaredArchive> archives, Duration chartRenderTimeout,
                          ContentMemo contents) {

    /** What charts see by default: a current Kubernetes, not sealos's 1.20. */
    public static final String DEFAULT_KUBE_VERSION = "1.33.0";

    /** A minute: real charts render in well under a second, so only a template without end gets near it. */
    public static final Duration DEFAULT_CHART_RENDER_TIMEOUT = Duration.ofSeconds(60);

    public ScanOptions {
        extraImages = List.copyOf(extraImages);
        charts = Map.copyOf(charts);
        kubeVersion = kubeVersion == null || kubeVersion.isBlank() ? DEFAULT_KUBE_VERSION : kubeVersion;
        archives = List.copyOf(archives);
        if (chartRenderTimeout.isNegative() || chartRenderTimeout.isZero()) {
            throw new IllegalArgumentException("the chart render timeout must be positive: " + chartRenderTimeout);
        }
    }

    public ScanOptions(List<String> extraImages, Map<String, ChartOptions> charts, String namespace, String kubeVersion,
                       boolean failOnUnresolved, Path workDir, List<DeclaredArchive> archives, Duration chartRenderTimeout) {
        this(extraImages, charts, namespace, kubeVersion, failOnUnresolved, workDir, archives, chartRenderTimeout, null);
    }

    /** Without declared archives, with the default chart render timeout. */
    public ScanOptions(List<String> extraImages, Map<String, ChartOptions> charts, String namespace, String kubeVersion,
                       boolean failOnUnresolved, Path workDir) {
        this(extraImages, charts, namespace, kubeVersion, failOnUnresolved, workDir, List.of(), DEFAULT_CHART_RENDER_TIMEOUT);
    }

    public ScanOptions withChartRenderTimeout(Duration timeout) {
        return new ScanOptions(extraImages, charts, namespace, kubeVersion, failOnUnresolved, workDir, archives, timeout, contents);
    }

    public ScanOptions withContents(ContentMemo memo) {
        return new ScanOptions(extraImages, charts, namespace, kubeVersion, failOnUnresolved, workDir, archives, chartRenderTimeout, memo);
    }

    public static ScanOptions defaults(Path workDir) {
        return new ScanOptions(List.of(), Map.of(), "", DEFAULT_KUBE_VERSION, false, workDir);
    }
}
