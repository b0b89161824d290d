package io.clusterimage.maven;

import java.io.File;
import java.util.List;
import java.util.Map;

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
}
