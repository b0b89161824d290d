package io.clusterimage.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.chart;
import static io.clusterimage.inventory.ScanFixtures.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The private, rewritten chart copy that Helm renders (no Helm call here: see ChartScanTest). */
class ChartRendererTest {

    @TempDir
    Path src;

    @TempDir
    Path work;

    @Test
    void lookupCallsBecomePickOfAnEmptyDict() {
        assertEquals("{{ pick (dict) \"v1\" \"Secret\" \"ns\" \"n\" }}",
                ChartRenderer.rewriteTemplate("{{ lookup \"v1\" \"Secret\" \"ns\" \"n\" }}"));
        assertEquals("{{ (pick (dict) \"v1\" \"Secret\" \"\" \"\").data }}",
                ChartRenderer.rewriteTemplate("{{ (lookup \"v1\" \"Secret\" \"\" \"\").data }}"));
        assertEquals("{{- $s := pick (dict)\n  \"v1\" \"Secret\" }}",
                ChartRenderer.rewriteTemplate("{{- $s := lookup\n  \"v1\" \"Secret\" }}"));
        assertEquals("{{ if not (pick (dict) \"v1\" \"Secret\" \"\" \"x\") }}",
                ChartRenderer.rewriteTemplate("{{ if not (lookup \"v1\" \"Secret\" \"\" \"x\") }}"));
    }

    @Test
    void otherUsesOfTheWordLookupAreLeftAlone() {
        for (String text : new String[] {
                "{{ .Values.lookup }}", "{{ $lookup := 1 }}", "{{ include \"lookup\" . }}", "{{ include 'lookup' . }}",
                "{{ lookupTable }}", "{{ my-lookup \"x\" }}", "path/lookup here", "lookup: true", "{{ .Values.x.lookup }}"}) {
            assertEquals(text, ChartRenderer.rewriteTemplate(text));
        }
    }

    @Test
    void hookAnnotationKeysAreRenamed() {
        assertEquals("    \"cluster-image.io/helm-hook\": pre-install\n"
                        + "    \"cluster-image.io/helm-hook-weight\": \"-5\"\n"
                        + "    cluster-image.io/helm-hook-delete-policy: hook-succeeded\n"
                        + "    'cluster-image.io/helm-hook': test\n"
                        + "    helm.sh/resource-policy: keep\n",
                ChartRenderer.rewriteTemplate("    \"helm.sh/hook\": pre-install\n"
                        + "    \"helm.sh/hook-weight\": \"-5\"\n"
                        + "    helm.sh/hook-delete-policy: hook-succeeded\n"
                        + "    'helm.sh/hook': test\n"
                        + "    helm.sh/resource-policy: keep\n"));
        assertEquals("helm.sh/hooks: x", ChartRenderer.rewriteTemplate("helm.sh/hooks: x"));
    }

    @Test
    void outsideTemplatesOnlyLookupCallsInsideActionsAreRewritten() {
        assertEquals("tls: '{{ if pick (dict) \"v1\" \"Secret\" \"\" \"x\" }}a{{ end }}'\nmode: lookup\n",
                ChartRenderer.rewriteActions("tls: '{{ if lookup \"v1\" \"Secret\" \"\" \"x\" }}a{{ end }}'\nmode: lookup\n"));
        assertEquals("mode: lookup \ndescription: DNS lookup (cached)\n",
                ChartRenderer.rewriteActions("mode: lookup \ndescription: DNS lookup (cached)\n"));
        assertEquals("a: \"{{\n  pick (dict) \\\"v1\\\" }}\"", ChartRenderer.rewriteActions("a: \"{{\n  lookup \\\"v1\\\" }}\""));
        assertEquals("unclosed {{ lookup \"v1\"", ChartRenderer.rewriteActions("unclosed {{ lookup \"v1\""));
        assertEquals("$ and \\ survive {{ pick (dict) \"x\" }} $1", ChartRenderer.rewriteActions("$ and \\ survive {{ lookup \"x\" }} $1"));
    }

    @Test
    void theCopyIsRewrittenAndTheSourceIsNot() throws IOException {
        Path source = chart(src, "app", "app", files(
                "Chart.yaml", "apiVersion: v2\nname: app\nkubeVersion: \"<1.20.0\"\nversion: 0.1.0\n",
                "values.yaml", "x: '{{ lookup \"v1\" \"Secret\" \"\" \"x\" }}'\nmode: lookup\n"
                        + "job:\n  annotations:\n    \"helm.sh/hook\": pre-install\n",
                "files/a.tpl", "{{ lookup \"v1\" \"Secret\" \"\" \"x\" }}",
                "templates/job.yaml", "metadata:\n  annotations:\n    helm.sh/hook: pre-install\n"
                        + "data: {{ lookup \"v1\" \"Secret\" \"\" \"x\" }}\n",
                "charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\nkubeVersion: '>=1.30.0'\n",
                "charts/sub/templates/x.yaml", "{{ lookup \"v1\" \"Secret\" \"\" \"x\" }}\n"));
        Files.write(source.resolve("files/binary.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 'l', 'o', 'o', 'k', 'u', 'p', ' '});
        Map<String, String> before = ScanFixtures.snapshot(src);

        Path copy = ChartRenderer.prepareCopy(source, work);

        assertEquals(before, ScanFixtures.snapshot(src));
        assertEquals(work.resolve("app"), copy);
        assertEquals("apiVersion: v2\nname: app\nversion: 0.1.0\n", Files.readString(copy.resolve("Chart.yaml")));
        assertEquals("apiVersion: v2\nname: sub\nversion: 0.1.0\n", Files.readString(copy.resolve("charts/sub/Chart.yaml")));
        assertEquals("x: '{{ pick (dict) \"v1\" \"Secret\" \"\" \"x\" }}'\nmode: lookup\n"
                + "job:\n  annotations:\n    \"cluster-image.io/helm-hook\": pre-install\n", Files.readString(copy.resolve("values.yaml")));
        assertEquals("{{ pick (dict) \"v1\" \"Secret\" \"\" \"x\" }}", Files.readString(copy.resolve("files/a.tpl")));
        assertEquals("metadata:\n  annotations:\n    cluster-image.io/helm-hook: pre-install\n"
                + "data: {{ pick (dict) \"v1\" \"Secret\" \"\" \"x\" }}\n", Files.readString(copy.resolve("templates/job.yaml")));
        assertEquals("{{ pick (dict) \"v1\" \"Secret\" \"\" \"x\" }}\n", Files.readString(copy.resolve("charts/sub/templates/x.yaml")));
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(source.resolve("files/binary.bin")),
                Files.readAllBytes(copy.resolve("files/binary.bin"))));
    }

    @Test
    void subchartArchivesAreUnpackedSoTheRewriteReachesThem() throws IOException {
        Path source = chart(src, "app", "app", files("templates/a.yaml", "a: 1\n"));
        ScanFixtures.tgz(source.resolve("charts/sub-0.1.0.tgz"), files(
                "sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\nkubeVersion: '<1.0.0'\n",
                "sub/templates/x.yaml", "{{ lookup \"v1\" \"Secret\" \"\" \"x\" }}\n"));
        Map<String, String> before = ScanFixtures.snapshot(src);

        Path copy = ChartRenderer.prepareCopy(source, work);

        assertEquals(before, ScanFixtures.snapshot(src));
        assertFalse(Files.exists(copy.resolve("charts/sub-0.1.0.tgz")));
        assertEquals("apiVersion: v2\nname: sub\nversion: 0.1.0\n", Files.readString(copy.resolve("charts/sub/Chart.yaml")));
        assertEquals("{{ pick (dict) \"v1\" \"Secret\" \"\" \"x\" }}\n", Files.readString(copy.resolve("charts/sub/templates/x.yaml")));
        try (var children = Files.list(copy.resolve("charts"))) {
            assertEquals(java.util.List.of("sub"), children.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aSubchartArchiveWithAnEntryOutsideItIsRefusedNamingTheArchive() throws IOException {
        Path source = chart(src, "app", "app", files("templates/a.yaml", "a: 1\n"));
        ScanFixtures.tgz(source.resolve("charts/sub-0.1.0.tgz"), files(
                "sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                "../../../../escaped.txt", "outside\n"));

        IOException error = assertThrows(IOException.class, () -> ChartRenderer.prepareCopy(source, work));

        assertEquals("charts/sub-0.1.0.tgz: archive entry '../../../../escaped.txt' would be written outside the target directory",
                error.getMessage());
        try (var written = Files.walk(work.getParent())) {
            assertEquals(java.util.List.of(), written.filter(p -> p.getFileName().toString().equals("escaped.txt")).toList());
        }
    }

    @Test
    void aChartArchiveIsUnpackedIntoTheWorkDirectory() throws IOException {
        Path archive = src.resolve("packed-0.1.0.tgz");
        ScanFixtures.tgz(archive, files(
                "packed/Chart.yaml", "apiVersion: v2\nname: packed\nversion: 0.1.0\n",
                "packed/templates/x.yaml", "{{ (lookup \"v1\" \"Secret\" \"\" \"x\").data }}\n"));
        Map<String, String> before = ScanFixtures.snapshot(src);

        Path copy = ChartRenderer.prepareCopy(archive, work);

        assertEquals(before, ScanFixtures.snapshot(src));
        assertTrue(copy.startsWith(work), copy.toString());
        assertEquals("{{ (pick (dict) \"v1\" \"Secret\" \"\" \"x\").data }}\n", Files.readString(copy.resolve("templates/x.yaml")));
    }
}
