package io.clusterimage.inventory;

import com.marcnuri.helm.Helm;
import io.clusterimage.core.Finding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.chart;
import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.describe;
import static io.clusterimage.inventory.ScanFixtures.files;
import static io.clusterimage.inventory.ScanFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chart scan never talks to a Kubernetes cluster, even though Helm inside helm-java would: its
 * {@code template()} renders with dry-run option "none", so {@code lookup} calls the cluster that
 * KUBECONFIG names. Here KUBECONFIG names a trap (see {@link KubeconfigTrap}), and a control test shows
 * that the trap does catch an unmodified chart.
 */
class NoClusterAccessTest {

    private static KubeconfigTrap trap;

    @TempDir
    Path ctx;

    @TempDir
    Path work;

    @BeforeAll
    static void installTrap() {
        trap = KubeconfigTrap.install();
    }

    /** Every form of lookup call a chart might use; the image depends on what lookup returned. */
    private static final String LOOKUP_TEMPLATE = ""
            + "{{- $secret := lookup \"v1\" \"Secret\" .Release.Namespace \"app-secret\" }}\n"
            + "{{- $all := (lookup \"v1\" \"ConfigMap\" \"\" \"\").items }}\n"
            + "{{- $ns := lookup\n"
            + "      \"v1\" \"Namespace\" \"\" \"kube-system\" }}\n"
            + "apiVersion: v1\n"
            + "kind: Pod\n"
            + "metadata:\n"
            + "  name: app\n"
            + "spec:\n"
            + "  containers:\n"
            + "  - name: main\n"
            + "    image: {{ if or $secret $all $ns }}quay.io/acme/existing:1{{ else }}quay.io/acme/fresh:1{{ end }}\n";

    private Path lookupChart() {
        context(ctx);
        return chart(ctx.resolve("charts"), "app", "app", files("templates/pod.yaml", LOOKUP_TEMPLATE));
    }

    @Test
    void scanningAChartThatCallsLookupNeverConnects() throws IOException {
        lookupChart();
        int before = trap.connections();
        ImageInventory inventory = ScanFixtures.scan(ctx, work);
        assertEquals(before, trap.connections(), "connections to the kubeconfig's API server " + trap.address());
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("quay.io/acme/fresh:1"), inventory.canonicalReferences(), "lookup returned nothing");
    }

    @Test
    void control_helmJavaOnTheUnmodifiedChartGoesToTheCluster() throws IOException {
        Path chart = lookupChart();
        int before = trap.connections();
        String outcome;
        try {
            outcome = "rendered:\n" + new Helm(chart).template().withName("dryrun").call();
        } catch (IllegalStateException e) {
            outcome = "failed: " + e.getMessage();
        }
        int connected = trap.connections() - before;
        System.out.println("control: " + connected + " connection(s) to " + trap.address() + "; helm-java " + outcome);
        assertTrue(connected > 0 || outcome.contains(trap.address()),
                "helm-java without the lookup rewrite should have tried " + trap.address() + " (from " + trap.file()
                        + "), but " + connected + " connections were made and it " + outcome);
    }

    @Test
    void lookupInAChartFileRenderedWithTplNeverConnects() throws IOException {
        context(ctx);
        chart(ctx.resolve("charts"), "app", "app", files(
                "files/image.tpl", "{{- if lookup \"v1\" \"Secret\" \"\" \"x\" }}quay.io/acme/existing:1"
                        + "{{- else }}quay.io/acme/from-file:1{{ end }}",
                "templates/pod.yaml", pod("app", "{{ tpl (.Files.Get \"files/image.tpl\") . }}")));
        int before = trap.connections();
        ImageInventory inventory = ScanFixtures.scan(ctx, work);
        assertEquals(before, trap.connections(), "connections to the kubeconfig's API server " + trap.address());
        assertEquals(List.of(), inventory.findings().stream().filter(f -> f.code().equals("scan.chart-render"))
                .map(Finding::describe).toList());
        assertEquals(List.of("quay.io/acme/from-file:1"), inventory.canonicalReferences());
    }

    @Test
    void lookupInAValueRenderedWithTplNeverConnects() throws IOException {
        context(ctx);
        chart(ctx.resolve("charts"), "app", "app", files(
                "values.yaml", "image: '{{ if lookup \"v1\" \"Secret\" \"\" \"x\" }}quay.io/acme/existing:1"
                        + "{{ else }}quay.io/acme/from-values:1{{ end }}'\n",
                "templates/pod.yaml", pod("app", "{{ tpl .Values.image . }}")));
        int before = trap.connections();
        ImageInventory inventory = ScanFixtures.scan(ctx, work);
        assertEquals(before, trap.connections(), "connections to the kubeconfig's API server " + trap.address());
        assertEquals(List.of(), inventory.findings().stream().filter(f -> f.code().equals("scan.chart-render"))
                .map(Finding::describe).toList());
        assertEquals(List.of("quay.io/acme/from-values:1"), inventory.canonicalReferences());
    }

    @Test
    void lookupInValuesFromOutsideTheChartRenderedWithTplNeverConnects() throws IOException {
        context(ctx);
        chart(ctx.resolve("charts"), "app", "app", files(
                "values.yaml", "a: ''\nb: ''\nc: ''\n",
                "templates/pods.yaml", pod("a", "{{ tpl .Values.a . }}") + "---\n" + pod("b", "{{ tpl .Values.b . }}")
                        + "---\n" + pod("c", "{{ tpl .Values.c . }}")));
        String lookup = "{{ if lookup \"v1\" \"Secret\" \"\" \"x\" }}quay.io/acme/existing:1{{ else }}quay.io/acme/";
        Path named = ScanFixtures.write(ctx, "charts/app.values.yaml", "a: '" + lookup + "from-named:1{{ end }}'\n");
        Path pom = ScanFixtures.write(ctx, "values/pom.yaml", "b: '" + lookup + "from-pom:1{{ end }}'\n");
        Map<String, String> before = ScanFixtures.snapshot(ctx);
        ChartOptions chartOptions = new ChartOptions(List.of(pom), Map.of("c", lookup + "from-set:1{{ end }}"));
        ScanOptions options = new ScanOptions(List.of(), Map.of("app", chartOptions), "", null, false, work);
        int connections = trap.connections();
        ImageInventory inventory = ScanFixtures.scan(ctx, options);
        assertEquals(connections, trap.connections(), "connections to the kubeconfig's API server " + trap.address());
        assertEquals(List.of("quay.io/acme/from-named:1", "quay.io/acme/from-pom:1", "quay.io/acme/from-set:1"),
                inventory.canonicalReferences(), describe(inventory.findings()).toString());
        assertEquals(before, ScanFixtures.snapshot(ctx), "the values files are left alone");
        assertTrue(Files.readString(named).contains("lookup"));
    }

    @Test
    void theTrapIsWhatHelmReads() throws IOException {
        assertTrue(Files.readString(trap.file()).contains("https://" + trap.address()));
        assertEquals(trap.file().toString(), System.getenv("KUBECONFIG"));
    }
}
