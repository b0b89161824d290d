package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;
import static io.clusterimage.layout.LayoutFixture.lines;
import static io.clusterimage.layout.LayoutFixture.tgz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** charts/: directories and .tgz archives are charts, values files match, dependencies are vendored. */
class ChartChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
        layout.kubefile("FROM scratch", "COPY charts charts", "COPY registry registry",
                "CMD [\"helm list -A\"]");
    }

    @Test
    void directoryWithoutChartYamlIsAnError() throws Exception {
        layout.chartDir("app", "app").file("charts/images/nginx.txt", "nginx\n");

        Layout result = layout.read();

        assertFindings(result, "ERROR charts.not-a-chart charts/images");
        assertFinding(result, Severity.ERROR, "charts.not-a-chart", "charts/images", 0,
                "charts/images has no Chart.yaml; sealos loads every directory under charts/ as a Helm chart");
        assertEquals(List.of("app"), result.charts().stream().map(Chart::name).toList());
    }

    @Test
    void validChartDirectoryIsReadWithItsMetadata() throws Exception {
        layout.chartDir("app", "app").file("charts/README.md", "stray files next to charts are ignored by sealos\n");

        Layout result = layout.read();

        assertNoFindings(result);
        Chart chart = result.charts().get(0);
        assertEquals(Path.of("charts/app"), chart.source());
        assertFalse(chart.archive());
        assertEquals("0.1.0", chart.version());
    }

    @Test
    void chartYamlScalarsAreReadAsWrittenAsHelmReadsThem() throws Exception {
        layout.file("charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.10\ndependencies:\n  - name: db\n    version: 2.0\n    alias: ~\n")
                .file("charts/app/charts/db/Chart.yaml", "apiVersion: v2\nname: db\nversion: 2.0.0\n");

        Chart chart = layout.read().charts().get(0);

        assertEquals("1.10", chart.version(), "a YAML float would say 1.1; Helm reads the version as a string");
        assertEquals("2.0", chart.dependencies().get(0).version());
        assertNull(chart.dependencies().get(0).alias());
        assertTrue(chart.dependencies().get(0).vendored());
    }

    @Test
    void validChartArchiveIsRead() throws Exception {
        layout.bytes("charts/web-1.2.3.tgz", tgz(
                "web/Chart.yaml", lines("apiVersion: v2", "name: web", "version: 1.2.3"),
                "web/values.yaml", "image: nginx\n",
                "web/templates/deployment.yaml", "image: {{ .Values.image }}\n"));

        Layout result = layout.read();

        assertNoFindings(result);
        Chart chart = result.charts().get(0);
        assertEquals(Path.of("charts/web-1.2.3.tgz"), chart.source());
        assertTrue(chart.archive());
        assertEquals("web", chart.name());
        assertEquals("1.2.3", chart.version());
    }

    @Test
    void chartArchiveWithAnEntryOutsideTheChartIsAnErrorNamingTheArchiveAndTheEntry() throws Exception {
        layout.bytes("charts/x.tgz", tgz(
                "x/Chart.yaml", lines("apiVersion: v2", "name: x", "version: 1.0.0"),
                "x/templates/../../../../etc/cron.d/job", "* * * * * root true\n",
                "../../outside.txt", "written next to the context\n"));

        Layout result = layout.read();

        Finding error = assertFinding(result, Severity.ERROR, "charts.unsafe-entry", "charts/x.tgz", 0, "");
        assertEquals("charts/x.tgz: entry 'x/templates/../../../../etc/cron.d/job' (and 1 more) lies outside the chart (an absolute"
                + " path, or '..' climbing out of it): Helm refuses such a chart ('chart illegally references parent directory')"
                + " and unpacking it would write outside its directory Fix: package the chart again with"
                + " 'helm package <chart directory>'", error.describe());
        assertEquals(List.of(), result.charts(), "the chart is not rendered nor scanned");
    }

    @Test
    void chartArchiveWithLongPathsIsRead() throws Exception {
        String longDir = "a-chart-with-a-very-long-directory-name-that-does-not-fit-in-one-hundred-bytes-of-ustar-header";
        LayoutFixture.TarWriter tar = new LayoutFixture.TarWriter()
                .directory("app")
                .gnuLongName(longDir + "/templates/x.yaml").file(longDir.substring(0, 90), "x")
                .paxPath("app/Chart.yaml").file("ignored-by-pax", lines("name: app", "version: 2.0.0"));

        layout.bytes("charts/app-2.0.0.tgz", LayoutFixture.gzip(tar.finish()));

        Layout result = layout.read();

        assertNoFindings(result);
        assertEquals("2.0.0", result.charts().get(0).version());
    }

    @Test
    void archiveWithoutChartYamlIsAnError() throws Exception {
        layout.bytes("charts/app-1.0.0.tgz", tgz("app/values.yaml", "a: 1\n", "Chart.yaml", "name: top-level-is-not-enough\n"));

        Layout result = layout.read();

        assertFindings(result, "ERROR charts.not-a-chart charts/app-1.0.0.tgz");
        assertFinding(result, Severity.ERROR, "charts.not-a-chart", "charts/app-1.0.0.tgz", 0,
                "the archive holds no <chart>/Chart.yaml");
    }

    @Test
    void corruptArchiveIsAnError() throws Exception {
        layout.bytes("charts/app-1.0.0.tgz", "this is not gzip".getBytes());

        assertFinding(layout.read(), Severity.ERROR, "charts.bad-archive", "charts/app-1.0.0.tgz", 0,
                "cannot read chart archive");
    }

    @Test
    void truncatedArchiveIsAnError() throws Exception {
        byte[] whole = tgz("app/templates/big.yaml", "x".repeat(20_000), "app/Chart.yaml", "name: app\nversion: 1.0.0\n");
        layout.bytes("charts/app-1.0.0.tgz", Arrays.copyOf(whole, whole.length / 2));

        assertFinding(layout.read(), Severity.ERROR, "charts.bad-archive", "charts/app-1.0.0.tgz", 0,
                "cannot read chart archive");
    }

    @Test
    void gzipThatIsNotATarIsAnError() throws Exception {
        layout.bytes("charts/app-1.0.0.tgz", LayoutFixture.gzip(("x".repeat(600)).getBytes()));

        Layout result = layout.read();

        assertEquals(1, result.errors().size(), LayoutFixture.describeAll(result));
        assertTrue(result.errors().get(0).code().startsWith("charts."), LayoutFixture.describeAll(result));
        assertEquals(Path.of("charts/app-1.0.0.tgz"), result.errors().get(0).file());
    }

    @Test
    void chartYamlWithoutNameIsAnError() throws Exception {
        layout.file("charts/app/Chart.yaml", lines("apiVersion: v2", "version: 1.0.0"));

        Layout result = layout.read();

        assertFindings(result, "ERROR charts.chart-yaml charts/app/Chart.yaml");
        assertFinding(result, Severity.ERROR, "charts.chart-yaml", "charts/app/Chart.yaml", 0, "Chart.yaml has no name");
        assertTrue(result.charts().isEmpty());
    }

    @Test
    void chartYamlThatIsNotAMappingHasNoName() throws Exception {
        layout.file("charts/app/Chart.yaml", lines("- name: app", "- version: 1.0.0"));

        assertFinding(layout.read(), Severity.ERROR, "charts.chart-yaml", "charts/app/Chart.yaml", 0, "has no name");
    }

    @Test
    void invalidChartYamlIsReportedWithItsLine() throws Exception {
        layout.file("charts/app/Chart.yaml", lines("apiVersion: v2", "name: app", "version: 1.0.0", "description: [unclosed"));

        Layout result = layout.read();

        assertFindings(result, "ERROR charts.chart-yaml charts/app/Chart.yaml:4");
        assertFinding(result, Severity.ERROR, "charts.chart-yaml", "charts/app/Chart.yaml", 4, "Chart.yaml is not valid YAML");
    }

    @Test
    void invalidChartYamlInsideAnArchiveNamesTheArchive() throws Exception {
        layout.bytes("charts/web-1.0.0.tgz", tgz("web/Chart.yaml", lines("name: web", "version: [1.0.0")));

        Layout result = layout.read();

        assertFindings(result, "ERROR charts.chart-yaml charts/web-1.0.0.tgz");
        assertFinding(result, Severity.ERROR, "charts.chart-yaml", "charts/web-1.0.0.tgz", 0,
                "web/Chart.yaml (inside the archive) is not valid YAML at line 2");
    }

    @Test
    void chartYamlWithoutNameInsideAnArchiveNamesTheEntry() throws Exception {
        layout.bytes("charts/web-1.0.0.tgz", tgz("web/Chart.yaml", lines("apiVersion: v2", "version: 1.0.0")));

        assertFinding(layout.read(), Severity.ERROR, "charts.chart-yaml", "charts/web-1.0.0.tgz", 0,
                "web/Chart.yaml (inside the archive) has no name");
    }

    @Test
    void tabInChartYamlIsReportedOnItsLineWithTheProblem() throws Exception {
        layout.file("charts/app/Chart.yaml", "apiVersion: v2\nname: app\n\tversion: 1.0.0\n");

        assertFinding(layout.read(), Severity.ERROR, "charts.chart-yaml", "charts/app/Chart.yaml", 3,
                "Chart.yaml is not valid YAML: found character '\\t(TAB)' that cannot start any token");
    }

    @Test
    void invalidChartYamlIndentationIsReportedWithItsLine() throws Exception {
        layout.file("charts/app/Chart.yaml", lines("apiVersion: v2", "name: app", "  version: 1.0.0", "type: application"));

        assertFinding(layout.read(), Severity.ERROR, "charts.chart-yaml", "charts/app/Chart.yaml", 3, "not valid YAML");
    }

    @Test
    void valuesFileMatchingNoChartWarns() throws Exception {
        layout.chartDir("nginx-ingress", "ingress-nginx").file("charts/nginx-ingress.values.yaml", "replicaCount: 2\n");

        Layout result = layout.read();

        assertFindings(result, "WARNING charts.unmatched-values charts/nginx-ingress.values.yaml");
        assertFinding(result, Severity.WARNING, "charts.unmatched-values", "charts/nginx-ingress.values.yaml", 0,
                "nginx-ingress.values.yaml matches no chart: it is applied to the chart whose Chart.yaml name is 'nginx-ingress',"
                        + " and the charts here are named [ingress-nginx]");
    }

    @Test
    void valuesFileMatchesTheChartYamlNameNotTheDirectory() throws Exception {
        layout.chartDir("nginx-ingress", "ingress-nginx").file("charts/ingress-nginx.values.yaml", "replicaCount: 2\n");

        assertNoFindings(layout.read());
    }

    @Test
    void valuesFileMatchesAnArchivedChartByName() throws Exception {
        layout.bytes("charts/redis-17.0.0.tgz", tgz("redis/Chart.yaml", "name: redis\nversion: 17.0.0\n"))
                .file("charts/redis.values.yaml", "architecture: standalone\n");

        assertNoFindings(layout.read());
    }

    @Test
    void dependencyThatIsNotVendoredWarnsOnItsLine() throws Exception {
        layout.file("charts/app/Chart.yaml", lines(
                "apiVersion: v2",
                "name: app",
                "version: 1.0.0",
                "dependencies:",
                "  - name: postgresql",
                "    version: 12.x.x",
                "    repository: https://charts.bitnami.com/bitnami",
                "  - name: redis",
                "    version: 17.x.x",
                "    repository: https://charts.bitnami.com/bitnami"))
                .bytes("charts/app/charts/postgresql-12.1.0.tgz", tgz("postgresql/Chart.yaml", "name: postgresql\nversion: 12.1.0\n"));

        Layout result = layout.read();

        assertFindings(result, "WARNING charts.dependency-missing charts/app/Chart.yaml:8");
        assertFinding(result, Severity.WARNING, "charts.dependency-missing", "charts/app/Chart.yaml", 8,
                "dependency 'redis' of chart 'app' is not vendored under charts/app/charts");
        List<Chart.Dependency> dependencies = result.charts().get(0).dependencies();
        assertEquals(List.of(true, false), dependencies.stream().map(Chart.Dependency::vendored).toList());
    }

    @Test
    void dependencyVendoredAsDirectoryOrArchiveIsFine() throws Exception {
        layout.file("charts/app/Chart.yaml", lines(
                        "apiVersion: v2", "name: app", "version: 1.0.0",
                        "dependencies:",
                        "  - name: common",
                        "    version: 2.x.x",
                        "  - name: redis",
                        "    version: 17.x.x",
                        "    condition: redis.enabled"))
                .file("charts/app/charts/common/Chart.yaml", "name: common\nversion: 2.0.0\n")
                .bytes("charts/app/charts/redis-17.3.0.tgz", tgz("redis/Chart.yaml", "name: redis\nversion: 17.3.0\n"));

        Layout result = layout.read();

        assertNoFindings(result);
        Chart.Dependency redis = result.charts().get(0).dependencies().get(1);
        assertEquals("redis.enabled", redis.condition());
        assertTrue(redis.vendored());
    }

    @Test
    void missingDependencyIsReportedOnItsOwnLineEvenWhenTheChartNameStartsLikeIt() throws Exception {
        layout.file("charts/redis-cluster/Chart.yaml", lines(
                "apiVersion: v2",
                "name: redis-cluster",
                "version: 1.0.0",
                "dependencies:",
                "- name: \"redis\"  # the cache",
                "  version: 17.x.x"));

        assertFinding(layout.read(), Severity.WARNING, "charts.dependency-missing", "charts/redis-cluster/Chart.yaml", 5,
                "dependency 'redis'");
    }
}
