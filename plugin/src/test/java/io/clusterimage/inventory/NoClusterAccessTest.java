package io.clusterimage.inventory;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.clusterimage.inventory.ScanFixtures.chart;
import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.describe;
import static io.clusterimage.inventory.ScanFixtures.files;
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
    void theTrapIsWhatHelmReads() throws IOException {
        assertTrue(Files.readString(trap.file()).contains("https://" + trap.address()));
        assertEquals(trap.file().toString(), System.getenv("KUBECONFIG"));
    }
}
