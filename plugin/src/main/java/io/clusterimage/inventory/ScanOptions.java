package io.clusterimage.inventory;

import java.nio.file.Path;
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
 */
public record ScanOptions(List<String> extraImages, Map<String, ChartOptions> charts, String namespace, String kubeVersion,
                          boolean failOnUnresolved, Path workDir, List<DeclaredArchive> archives) {

    /** What charts see by default: a current Kubernetes, not sealos's 1.20. */
    public static final String DEFAULT_KUBE_VERSION = "1.33.0";

    public ScanOptions {
        extraImages = List.copyOf(extraImages);
        charts = Map.copyOf(charts);
        kubeVersion = kubeVersion == null || kubeVersion.isBlank() ? DEFAULT_KUBE_VERSION : kubeVersion;
        archives = List.copyOf(archives);
    }

    /** Without declared archives. */
    public ScanOptions(List<String> extraImages, Map<String, ChartOptions> charts, String namespace, String kubeVersion,
                       boolean failOnUnresolved, Path workDir) {
        this(extraImages, charts, namespace, kubeVersion, failOnUnresolved, workDir, List.of());
    }

    public static ScanOptions defaults(Path workDir) {
        return new ScanOptions(List.of(), Map.of(), "", DEFAULT_KUBE_VERSION, false, workDir);
    }
}
