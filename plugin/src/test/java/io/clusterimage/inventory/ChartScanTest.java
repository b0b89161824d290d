package io.clusterimage.inventory;

import com.marcnuri.helm.Helm;
import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.AfterAll;
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
import static io.clusterimage.inventory.ScanFixtures.findings;
import static io.clusterimage.inventory.ScanFixtures.image;
import static io.clusterimage.inventory.ScanFixtures.pod;
import static io.clusterimage.inventory.ScanFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Charts rendered by real Helm (helm-java) through LayoutReader and ImageScanner. */
class ChartScanTest {

    private static KubeconfigTrap trap;
    private static int connectionsBefore;

    @TempDir
    Path ctx;

    @TempDir
    Path work;

    @BeforeAll
    static void installTrap() {
        trap = KubeconfigTrap.install();
        connectionsBefore = trap.connections();
    }

    @AfterAll
    static void noTestHereContactedACluster() {
        assertEquals(connectionsBefore, trap.connections(), "connections to the kubeconfig's API server " + trap.address());
    }

    private Path charts() {
        context(ctx);
        return ctx.resolve("charts");
    }

    private ImageInventory scan() throws IOException {
        return ScanFixtures.scan(ctx, work);
    }

    private ImageInventory scan(Map<String, ChartOptions> charts) throws IOException {
        return ScanFixtures.scan(ctx, new ScanOptions(List.of(), charts, "", null, false, work));
    }

    private static Occurrence occurrence(String file, SourceKind kind, String written) {
        return new Occurrence(Path.of(file), 0, kind, written);
    }

    private static List<String> renderErrors(ImageInventory inventory) {
        return describe(findings(inventory, "scan.chart-render"));
    }

    // ---- what sealos's offline render does, and what helm-java's template() does not ----

    @Test
    void aChartThatCallsLookupRendersWithAnEmptyResult() throws IOException {
        chart(charts(), "app", "app", files("templates/pod.yaml",
                "{{- $secret := lookup \"v1\" \"Secret\" .Release.Namespace \"app-secret\" }}\n"
                        + pod("app", "{{ if $secret }}quay.io/acme/existing:1{{ else }}quay.io/acme/fresh:1{{ end }}")));
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("quay.io/acme/fresh:1"), inventory.canonicalReferences());
        assertEquals(List.of(occurrence("charts/app/templates/pod.yaml", SourceKind.CHART, "quay.io/acme/fresh:1")),
                inventory.images().get(0).occurrences());
    }

    private static final String MIGRATE_JOB = "apiVersion: batch/v1\n"
            + "kind: Job\n"
            + "metadata:\n"
            + "  name: migrate\n"
            + "  annotations:\n"
            + "    \"helm.sh/hook\": pre-install,pre-upgrade\n"
            + "    \"helm.sh/hook-weight\": \"-5\"\n"
            + "    helm.sh/hook-delete-policy: before-hook-creation\n"
            + "spec:\n"
            + "  template:\n"
            + "    spec:\n"
            + "      restartPolicy: Never\n"
            + "      containers:\n"
            + "      - name: migrate\n"
            + "        image: {{ .Values.migrate.image }}\n";

    private static final String TEST_POD = "apiVersion: v1\n"
            + "kind: Pod\n"
            + "metadata:\n"
            + "  name: \"{{ .Release.Name }}-test-connection\"\n"
            + "  annotations:\n"
            + "    helm.sh/hook: test\n"
            + "spec:\n"
            + "  restartPolicy: Never\n"
            + "  containers:\n"
            + "  - name: wget\n"
            + "    image: busybox:1.36\n";

    private Path hookChart() {
        return chart(charts(), "app", "app", files(
                "values.yaml", "migrate:\n  image: quay.io/acme/migrate:1\n",
                "templates/pod.yaml", pod("app", "quay.io/acme/app:1"),
                "templates/job.yaml", MIGRATE_JOB,
                "templates/tests/test-connection.yaml", TEST_POD));
    }

    @Test
    void hookAndTestImagesAreFoundAsChartHooks() throws IOException {
        hookChart();
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("docker.io/library/busybox:1.36", "quay.io/acme/app:1", "quay.io/acme/migrate:1"),
                inventory.canonicalReferences());
        assertEquals(List.of(occurrence("charts/app/templates/job.yaml", SourceKind.CHART_HOOK, "quay.io/acme/migrate:1")),
                image(inventory, "quay.io/acme/migrate:1").occurrences());
        assertEquals(List.of(occurrence("charts/app/templates/tests/test-connection.yaml", SourceKind.CHART_HOOK, "busybox:1.36")),
                image(inventory, "docker.io/library/busybox:1.36").occurrences());
        assertEquals(List.of(occurrence("charts/app/templates/pod.yaml", SourceKind.CHART, "quay.io/acme/app:1")),
                image(inventory, "quay.io/acme/app:1").occurrences());
    }

    @Test
    void hookAnnotationsThatComeFromValuesAreFoundToo() throws IOException {
        chart(charts(), "app", "app", files(
                "values.yaml", "migrate:\n  annotations:\n    \"helm.sh/hook\": post-install\n    helm.sh/hook-weight: \"1\"\n",
                "templates/job.yaml", "apiVersion: batch/v1\n"
                        + "kind: Job\n"
                        + "metadata:\n"
                        + "  name: migrate\n"
                        + "  annotations:\n"
                        + "    {{- toYaml .Values.migrate.annotations | nindent 4 }}\n"
                        + "spec:\n"
                        + "  template:\n"
                        + "    spec:\n"
                        + "      containers:\n"
                        + "      - name: migrate\n"
                        + "        image: quay.io/acme/migrate:1\n"));
        write(ctx, "charts/app.values.yaml", "test:\n  annotations:\n    helm.sh/hook: test\n");
        chart(charts(), "other", "other", files("templates/pod.yaml", "apiVersion: v1\n"
                + "kind: Pod\n"
                + "metadata:\n"
                + "  name: t\n"
                + "  annotations: {{- toYaml .Values.annotations | nindent 4 }}\n"
                + "spec:\n"
                + "  containers:\n"
                + "  - image: quay.io/acme/tester:1\n"));
        Path pomValues = write(ctx, "values/other.yaml", "annotations:\n  helm.sh/hook: test\n");
        ImageInventory inventory = scan(Map.of("other", new ChartOptions(List.of(pomValues), Map.of())));
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of(occurrence("charts/app/templates/job.yaml", SourceKind.CHART_HOOK, "quay.io/acme/migrate:1")),
                image(inventory, "quay.io/acme/migrate:1").occurrences());
        assertEquals(List.of(occurrence("charts/other/templates/pod.yaml", SourceKind.CHART_HOOK, "quay.io/acme/tester:1")),
                image(inventory, "quay.io/acme/tester:1").occurrences());
    }

    @Test
    void control_helmJavasTemplateLeavesHooksOut() throws IOException {
        Path chart = hookChart();
        String manifest = new Helm(chart).template().withName("dryrun").call();
        assertTrue(manifest.contains("quay.io/acme/app:1"), manifest);
        assertFalse(manifest.contains("quay.io/acme/migrate:1"), manifest);
        assertFalse(manifest.contains("busybox"), manifest);
    }

    @Test
    void aChartThatRequiresAnOldKubernetesRenders() throws IOException {
        Path chart = chart(charts(), "old", "old", files(
                "Chart.yaml", "apiVersion: v2\nname: old\nversion: 0.1.0\nkubeVersion: \"<1.20.0\"\n",
                "templates/pod.yaml", pod("old", "quay.io/acme/old:1")));
        ImageInventory inventory = scan();
        assertEquals(List.of(), renderErrors(inventory));
        assertEquals(List.of("quay.io/acme/old:1"), inventory.canonicalReferences());
        assertTrue(Files.readString(chart.resolve("Chart.yaml")).contains("kubeVersion"), "the user's Chart.yaml keeps it");
    }

    @Test
    void theRenderContextIsSealossReleaseNameWithTheConfiguredNamespaceAndKubernetes() throws IOException {
        chart(charts(), "ctx", "ctx", files("templates/pod.yaml", pod("ctx",
                "quay.io/acme/{{ .Release.Name }}-{{ .Release.Namespace | default \"none\" }}:{{ .Capabilities.KubeVersion.Version }}")));
        // the trap kubeconfig's context has a namespace; sealos renders in "", and so does the scan
        assertEquals(List.of("quay.io/acme/dryrun-none:v" + ScanOptions.DEFAULT_KUBE_VERSION), scan().canonicalReferences());
        ImageInventory inNamespace = ScanFixtures.scan(ctx, new ScanOptions(List.of(), Map.of(), "apps", "1.29.4", false, work));
        assertEquals(List.of("quay.io/acme/dryrun-apps:v1.29.4"), inNamespace.canonicalReferences());
    }

    // ---- values ----

    private static final String REGISTRY_IMAGE = "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}";

    private void webChart(String dir) {
        chart(charts(), dir, "web", files(
                "values.yaml", "image:\n  registry: quay.io\n  repository: acme/default\n  tag: \"1\"\n",
                "templates/pod.yaml", pod("web", REGISTRY_IMAGE)));
    }

    @Test
    void theValuesFileNamedAfterTheChartOverridesTheDefaults() throws IOException {
        webChart("web-dir");
        write(ctx, "charts/web.values.yaml", "image:\n  tag: \"2\"\n");
        write(ctx, "charts/web-dir.values.yaml", "image:\n  tag: \"3\"\n"); // named after the directory: not used
        ImageInventory inventory = scan();
        assertEquals(List.of("quay.io/acme/default:2"), inventory.canonicalReferences(), describe(inventory.findings()).toString());
        assertEquals(List.of(occurrence("charts/web-dir/templates/pod.yaml", SourceKind.CHART, "quay.io/acme/default:2")),
                inventory.images().get(0).occurrences());
    }

    @Test
    void aValuesFileNamedAfterTheDirectoryIsNotUsed() throws IOException {
        webChart("web-dir");
        write(ctx, "charts/web-dir.values.yaml", "image:\n  tag: \"3\"\n");
        assertEquals(List.of("quay.io/acme/default:1"), scan().canonicalReferences());
    }

    @Test
    void pomValuesFilesApplyInOrderAfterTheNamedOneAndSetWins() throws IOException {
        webChart("web");
        write(ctx, "charts/web.values.yaml", "image:\n  registry: registry.example.com\n  tag: \"2\"\n");
        Path first = write(ctx, "values/first.yaml", "image:\n  repository: acme/from-first\n  tag: \"3\"\n");
        Path second = write(ctx, "values/second.yaml", "image:\n  tag: \"4\"\n");
        assertEquals(List.of("registry.example.com/acme/from-first:4"),
                scan(Map.of("web", new ChartOptions(List.of(first, second), Map.of()))).canonicalReferences());
        assertEquals(List.of("registry.example.com/acme/from-first:3"),
                scan(Map.of("web", new ChartOptions(List.of(second, first), Map.of()))).canonicalReferences());
        assertEquals(List.of("registry.example.com/acme/from-first:5"),
                scan(Map.of("web", new ChartOptions(List.of(first, second), Map.of("image.tag", "5")))).canonicalReferences());
        // options are per chart, by Chart.yaml name
        assertEquals(List.of("registry.example.com/acme/default:2"),
                scan(Map.of("other", new ChartOptions(List.of(first), Map.of("image.tag", "9")))).canonicalReferences());
    }

    @Test
    void setValuesWithDotsAndSlashes() throws IOException {
        webChart("web");
        ImageInventory inventory = scan(Map.of("web", new ChartOptions(List.of(),
                Map.of("image.registry", "registry.example.com:5000", "image.repository", "team/app.v2", "image.tag", "1.2.3"))));
        assertEquals(List.of("registry.example.com:5000/team/app.v2:1.2.3"), inventory.canonicalReferences(),
                describe(inventory.findings()).toString());
    }

    @Test
    void aMissingPomValuesFileIsARenderErrorNotACrash() throws IOException {
        webChart("web");
        ImageInventory inventory = scan(Map.of("web", new ChartOptions(List.of(ctx.resolve("values/missing.yaml")), Map.of())));
        List<Finding> errors = findings(inventory, "scan.chart-render");
        assertEquals(1, errors.size(), describe(inventory.findings()).toString());
        assertTrue(errors.get(0).message().contains("missing.yaml"), errors.get(0).message());
    }

    // ---- subcharts ----

    private void parentWithConditionalSub() {
        chart(charts(), "parent", "parent", files(
                "Chart.yaml", "apiVersion: v2\nname: parent\nversion: 0.1.0\n"
                        + "dependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n",
                "values.yaml", "sub:\n  enabled: false\n",
                "templates/pod.yaml", pod("parent", "quay.io/acme/parent:1"),
                "charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                "charts/sub/templates/pod.yaml", pod("sub", "quay.io/acme/sub:1")));
    }

    @Test
    void aDisabledSubchartContributesNoImage() throws IOException {
        parentWithConditionalSub();
        ImageInventory inventory = scan();
        assertEquals(List.of(), renderErrors(inventory));
        assertEquals(List.of("quay.io/acme/parent:1"), inventory.canonicalReferences());
    }

    @Test
    void anEnabledSubchartContributesItsImage() throws IOException {
        parentWithConditionalSub();
        write(ctx, "charts/parent.values.yaml", "sub:\n  enabled: true\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("quay.io/acme/parent:1", "quay.io/acme/sub:1"), inventory.canonicalReferences());
        assertEquals(List.of(occurrence("charts/parent/charts/sub/templates/pod.yaml", SourceKind.CHART, "quay.io/acme/sub:1")),
                image(inventory, "quay.io/acme/sub:1").occurrences());
        assertEquals(List.of("quay.io/acme/parent:1", "quay.io/acme/sub:1"),
                scan(Map.of("parent", new ChartOptions(List.of(), Map.of("sub.enabled", "true")))).canonicalReferences());
    }

    @Test
    void aSubchartArchiveThatCallsLookupRenders() throws IOException {
        Path parent = chart(charts(), "parent", "parent", files(
                "Chart.yaml", "apiVersion: v2\nname: parent\nversion: 0.1.0\n"
                        + "dependencies:\n- name: cache\n  version: 0.2.0\n",
                "templates/pod.yaml", pod("parent", "quay.io/acme/parent:1")));
        ScanFixtures.tgz(parent.resolve("charts/cache-0.2.0.tgz"), files(
                "cache/Chart.yaml", "apiVersion: v2\nname: cache\nversion: 0.2.0\nkubeVersion: '<1.19.0'\n",
                "cache/values.yaml", "image: quay.io/acme/cache:0.2\n",
                "cache/templates/pod.yaml", "{{- $cm := lookup \"v1\" \"ConfigMap\" .Release.Namespace \"cache\" }}\n"
                        + pod("cache", "{{ if $cm }}quay.io/acme/other:1{{ else }}{{ .Values.image }}{{ end }}")));
        Map<String, String> before = ScanFixtures.snapshot(ctx);
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("quay.io/acme/cache:0.2", "quay.io/acme/parent:1"), inventory.canonicalReferences());
        assertEquals(List.of(occurrence("charts/parent/charts/cache/templates/pod.yaml", SourceKind.CHART, "quay.io/acme/cache:0.2")),
                image(inventory, "quay.io/acme/cache:0.2").occurrences());
        assertEquals(before, ScanFixtures.snapshot(ctx));
    }

    // ---- crds/ ----

    private static final String CRD_FILE = "apiVersion: apiextensions.k8s.io/v1\n"
            + "kind: CustomResourceDefinition\n"
            + "metadata:\n"
            + "  name: agents.acme.io\n"
            + "---\n"
            + "apiVersion: acme.io/v1\n"
            + "kind: Agent\n"
            + "metadata:\n"
            + "  name: default\n"
            + "spec:\n"
            + "  image: quay.io/acme/agent:1.0\n";

    @Test
    void crdFilesAreScannedAsWrittenWithLines() throws IOException {
        chart(charts(), "op", "operator", files(
                "crds/agents.yaml", CRD_FILE,
                "templates/pod.yaml", pod("op", "quay.io/acme/operator:1"),
                "charts/helper/Chart.yaml", "apiVersion: v2\nname: helper\nversion: 0.1.0\n",
                "charts/helper/crds/helper.yml", "spec:\n  containers:\n  - image: quay.io/acme/helper-crd:1\n"));
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("quay.io/acme/agent:1.0", "quay.io/acme/helper-crd:1", "quay.io/acme/operator:1"),
                inventory.canonicalReferences());
        assertEquals(List.of(new Occurrence(Path.of("charts/op/crds/agents.yaml"), 11, SourceKind.CHART_CRD, "quay.io/acme/agent:1.0")),
                image(inventory, "quay.io/acme/agent:1.0").occurrences());
        assertEquals(List.of(new Occurrence(Path.of("charts/op/charts/helper/crds/helper.yml"), 3, SourceKind.CHART_CRD,
                "quay.io/acme/helper-crd:1")), image(inventory, "quay.io/acme/helper-crd:1").occurrences());
    }

    @Test
    void aChartArchiveIsRenderedAndItsCrdsScanned() throws IOException {
        ScanFixtures.tgz(charts().resolve("packed-0.3.0.tgz"), files(
                "packed/Chart.yaml", "apiVersion: v2\nname: packed\nversion: 0.3.0\n",
                "packed/crds/agents.yaml", CRD_FILE,
                "packed/templates/pod.yaml", pod("packed", "quay.io/acme/packed:0.3")));
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of(occurrence("charts/packed-0.3.0.tgz/templates/pod.yaml", SourceKind.CHART, "quay.io/acme/packed:0.3")),
                image(inventory, "quay.io/acme/packed:0.3").occurrences());
        assertEquals(List.of(occurrence("charts/packed-0.3.0.tgz/crds/agents.yaml", SourceKind.CHART_CRD, "quay.io/acme/agent:1.0")),
                image(inventory, "quay.io/acme/agent:1.0").occurrences());
    }

    @Test
    void aChartThatRendersNothingIsFine() throws IOException {
        chart(charts(), "a-empty", "empty", files(
                "values.yaml", "enabled: false\n",
                "templates/pod.yaml", "{{- if .Values.enabled }}\n" + pod("x", "quay.io/acme/disabled:1") + "{{- end }}\n",
                "templates/_helpers.tpl", "{{- define \"empty.name\" }}empty{{ end }}\n"));
        chart(charts(), "b-crds-only", "crds-only", files("crds/agents.yaml", CRD_FILE));
        chart(charts(), "c-good", "good", files("templates/pod.yaml", pod("good", "quay.io/acme/good:1")));
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("quay.io/acme/agent:1.0", "quay.io/acme/good:1"), inventory.canonicalReferences());
    }

    // ---- failures ----

    @Test
    void aChartThatFailsIsAnErrorAndTheOthersAreStillScanned() throws IOException {
        chart(charts(), "a-broken", "broken", files("templates/pod.yaml",
                "{{ fail \"set licenseKey, this chart cannot run without one\" }}\n" + pod("broken", "quay.io/acme/broken:1")));
        chart(charts(), "b-good", "good", files("templates/pod.yaml", pod("good", "quay.io/acme/good:1")));
        write(ctx, "manifests/app.yaml", "image: quay.io/acme/manifest:1\n");
        ImageInventory inventory = scan();
        List<Finding> errors = findings(inventory, "scan.chart-render");
        assertEquals(1, errors.size(), describe(inventory.findings()).toString());
        Finding error = errors.get(0);
        assertEquals(Severity.ERROR, error.severity());
        assertEquals(Path.of("charts/a-broken"), error.file());
        assertTrue(error.message().contains("'broken'"), error.message());
        assertTrue(error.message().contains("set licenseKey, this chart cannot run without one"), error.message());
        assertEquals(List.of("quay.io/acme/good:1", "quay.io/acme/manifest:1"), inventory.canonicalReferences());
    }

    @Test
    void garbageInARenderedTemplateIsReportedWithoutALine() throws IOException {
        chart(charts(), "app", "app", files("templates/pod.yaml", pod("app", "\"{{ .Values.missing }}:{{ .Values.tag }}\"")));
        ImageInventory inventory = scan();
        List<Finding> unresolved = findings(inventory, "scan.unresolved");
        assertEquals(1, unresolved.size(), describe(inventory.findings()).toString());
        assertEquals(Path.of("charts/app/templates/pod.yaml"), unresolved.get(0).file());
        assertEquals(0, unresolved.get(0).line());
        assertTrue(unresolved.get(0).message().contains("':'"), unresolved.get(0).message());
        assertEquals(List.of(), inventory.images());
    }

    // ---- the user's files ----

    @Test
    void theScanWritesNothingIntoTheSourceTree() throws IOException {
        Path app = chart(charts(), "app", "app", files(
                "Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\nkubeVersion: \">=1.10.0 <1.11.0\"\n"
                        + "dependencies:\n- name: sub\n  version: 0.1.0\n",
                "values.yaml", "x: '{{ lookup \"v1\" \"Secret\" \"\" \"x\" }}'\n",
                "templates/pod.yaml", "{{- $s := lookup \"v1\" \"Secret\" \"\" \"x\" }}\n" + pod("app", "quay.io/acme/app:1"),
                "templates/job.yaml", MIGRATE_JOB.replace("{{ .Values.migrate.image }}", "quay.io/acme/migrate:1"),
                "crds/agents.yaml", CRD_FILE));
        ScanFixtures.tgz(app.resolve("charts/sub-0.1.0.tgz"), files(
                "sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                "sub/templates/pod.yaml", "{{- $s := lookup \"v1\" \"Secret\" \"\" \"x\" }}\n" + pod("sub", "quay.io/acme/sub:1")));
        ScanFixtures.tgz(ctx.resolve("charts/packed-0.3.0.tgz"), files(
                "packed/Chart.yaml", "apiVersion: v2\nname: packed\nversion: 0.3.0\n",
                "packed/templates/pod.yaml", pod("packed", "quay.io/acme/packed:0.3")));
        write(ctx, "charts/app.values.yaml", "y: 1\n");
        Map<String, String> before = ScanFixtures.snapshot(ctx);

        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
        assertEquals(List.of("quay.io/acme/agent:1.0", "quay.io/acme/app:1", "quay.io/acme/migrate:1", "quay.io/acme/packed:0.3",
                "quay.io/acme/sub:1"), inventory.canonicalReferences());
        assertEquals(before, ScanFixtures.snapshot(ctx));

        // a second scan into the same work directory finds the same
        assertEquals(inventory.canonicalReferences(), scan().canonicalReferences());
        assertEquals(before, ScanFixtures.snapshot(ctx));
    }

    @Test
    void aSubchartArchiveThatWritesOutsideItselfFailsTheScanNamingTheChartAndTheArchive() throws IOException {
        Path app = chart(charts(), "app", "app", files("templates/pod.yaml", pod("app", "quay.io/acme/app:1")));
        ScanFixtures.tgz(app.resolve("charts/sub-0.1.0.tgz"), files(
                "sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                "sub/../../x.yaml", "kind: Pod\n"));

        IOException error = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, this::scan);

        assertEquals("charts/app: charts/sub-0.1.0.tgz: archive entry 'sub/../../x.yaml' would be written outside the target"
                + " directory", error.getMessage());
    }
}
