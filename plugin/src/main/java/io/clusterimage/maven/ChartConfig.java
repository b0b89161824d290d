package io.clusterimage.maven;

import io.clusterimage.inventory.ChartOptions;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <charts><chart>} of the POM: extra values for one chart, by its Chart.yaml name; with a
 * {@code <repository>}, also where the fetch goal gets the chart (then it lands in the generated
 * context's {@code charts/<name>/}).
 * <pre>
 * &lt;charts&gt;
 *   &lt;chart&gt;
 *     &lt;name&gt;apisix&lt;/name&gt;
 *     &lt;valuesFiles&gt;&lt;valuesFile&gt;values/prod.yaml&lt;/valuesFile&gt;&lt;/valuesFiles&gt;
 *     &lt;set&gt;&lt;dashboard.enabled&gt;true&lt;/dashboard.enabled&gt;&lt;/set&gt;
 *   &lt;/chart&gt;
 * &lt;/charts&gt;
 * </pre>
 */
public class ChartConfig {
    /** The chart's name in its Chart.yaml (and in its repository). */
    String name;
    /**
     * Where the fetch goal gets the chart: an HTTP(S) Helm repository (the URL under which
     * {@code index.yaml} is) or {@code oci://host/path} (the chart is {@code host/path/<name>:<version>}).
     * None for a chart vendored under charts/.
     */
    String repository;
    /** With {@code <repository>}: an exact version, or a semver range resolved when locking. */
    String version;
    /** Values files applied after charts/&lt;name&gt;.values.yaml, relative to the project directory. */
    List<File> valuesFiles;
    /** --set values, applied last. */
    Map<String, String> set;

    /** What scan-images' up-to-date check compares: the declarations and the values files' sizes and times. */
    static String describe(List<ChartConfig> charts) {
        if (charts == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (ChartConfig chart : charts) {
            text.append(chart.name).append(chart.valuesFiles).append(chart.set == null ? "" : new TreeMap<>(chart.set));
            if (chart.valuesFiles != null) {
                chart.valuesFiles.forEach(f -> text.append(f.lastModified()).append('/').append(f.length()));
            }
        }
        return text.toString();
    }

    /** The values per chart name as the scan takes them, checked: a bad declaration fails the build naming the element. */
    static Map<String, ChartOptions> options(List<ChartConfig> charts) throws MojoExecutionException {
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
