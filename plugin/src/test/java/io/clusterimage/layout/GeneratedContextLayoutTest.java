package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout with the fetch goal's generated context: COPY sources it holds are not missing, its charts
 * are listed (as charts/&lt;name&gt;, rendered from where they are), a chart both vendored and declared is
 * an error; an init.sh gets a hint towards the POM declarations.
 */
class GeneratedContextLayoutTest {

    @TempDir
    Path temp;

    private Layout read(Path context, Path generated) throws Exception {
        return LayoutReader.read(new LayoutOptions(context, null, Map.of(), List.of(Platform.LINUX_AMD64), generated));
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void copySourcesAndChartsOfTheGeneratedContextCount() throws Exception {
        Path context = temp.resolve("app");
        write(context.resolve("Kubefile"), "FROM scratch\nCOPY charts charts\nCOPY opt/tool* opt/\nCOPY bin bin\nCOPY registry registry\n");
        write(context.resolve("charts/demo.values.yaml"), "replicas: 2\n");
        Path generated = temp.resolve("fetched/linux-amd64");
        write(generated.resolve("charts/demo/Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.2.0\n");
        write(generated.resolve("opt/tool"), "x");

        Layout layout = read(context, generated);

        List<String> codes = layout.findings().stream().map(Finding::code).toList();
        assertEquals(List.of("copy.missing-source"), codes, layout.findings().toString());
        assertTrue(layout.findings().get(0).message().contains("'bin'"), "only bin/ is missing: " + layout.findings());
        Chart chart = layout.charts().get(0);
        assertEquals(Path.of("charts/demo"), chart.source());
        assertEquals(generated.resolve("charts/demo").toAbsolutePath().normalize(), chart.location());
        assertEquals("0.2.0", chart.version());

        Layout without = read(context, null);
        assertEquals(2, without.findings().stream().filter(f -> f.code().equals("copy.missing-source")).count(), without.findings().toString());
        assertTrue(without.findings().stream().anyMatch(f -> f.code().equals("charts.unmatched-values")));
    }

    @Test
    void aChartBothVendoredAndDeclaredIsAnError() throws Exception {
        Path context = temp.resolve("app");
        write(context.resolve("Kubefile"), "FROM scratch\nCOPY charts charts\n");
        write(context.resolve("charts/demo/Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        Path generated = temp.resolve("fetched/linux-amd64");
        write(generated.resolve("charts/demo/Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.2.0\n");

        Layout layout = read(context, generated);

        Finding finding = layout.errors().get(0);
        assertEquals("charts.declared-and-vendored", finding.code());
        assertEquals(Path.of("charts/demo"), finding.file());
        assertEquals(1, layout.charts().size(), "the vendored one is still read");
    }

    @Test
    void anInitScriptGetsAHintTowardsThePom() throws Exception {
        Path context = temp.resolve("app");
        write(context.resolve("Kubefile"), "FROM scratch\nCOPY manifests manifests\n");
        write(context.resolve("manifests/a.yaml"), "kind: ConfigMap\n");
        write(context.resolve("init.sh"), "#!/bin/bash\nhelm pull x\n");

        Finding finding = read(context, null).findings().stream().filter(f -> f.code().equals("layout.init-script")).findFirst()
                .orElseThrow();

        assertEquals(Severity.INFO, finding.severity());
        assertEquals("layout.init-script", finding.code());
        assertTrue(finding.fix().contains("charts-and-files.html"), finding.fix());
    }
}
