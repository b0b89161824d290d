package io.clusterimage.layout;

import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;
import static io.clusterimage.layout.LayoutFixture.lines;

/** manifests/ YAML, and .tmpl files in manifests/, etc/ and scripts/. */
class ManifestChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
        layout.kubefile("FROM scratch", "COPY . .", "CMD [\"kubectl apply -f manifests/\"]");
    }

    @Test
    void invalidYamlInTheSecondDocumentIsReportedOnItsOwnLine() throws Exception {
        layout.file("manifests/app.yaml", lines(
                "apiVersion: v1",              // 1
                "kind: ConfigMap",             // 2
                "metadata:",                   // 3
                "  name: first",               // 4
                "---",                         // 5
                "apiVersion: apps/v1",         // 6
                "kind: Deployment",            // 7
                "metadata:",                   // 8
                "  name: second",              // 9
                "   labels: {app: x}",         // 10: indented deeper than name -> invalid
                "spec:",                       // 11
                "  replicas: 1"));

        Layout result = layout.read();

        assertFindings(result, "ERROR manifests.yaml manifests/app.yaml:10");
        assertFinding(result, Severity.ERROR, "manifests.yaml", "manifests/app.yaml", 10, "not valid YAML");
    }

    @Test
    void unclosedFlowSequenceIsReportedWhereTheParserFailsAndNamesWhereItStarts() throws Exception {
        layout.file("manifests/app.yaml", lines(
                "kind: ConfigMap",
                "---",
                "kind: Service",
                "spec:",
                "  ports: [80, 443",
                "  type: ClusterIP"));

        Layout result = layout.read();

        assertFindings(result, "ERROR manifests.yaml manifests/app.yaml:6");
        assertFinding(result, Severity.ERROR, "manifests.yaml", "manifests/app.yaml", 6,
                "not valid YAML: expected ',' or ']', but got : (while parsing a flow sequence at line 5)");
    }

    @Test
    void unterminatedQuoteAtTheEndIsReportedWhereItStarts() throws Exception {
        layout.file("manifests/app.yaml", lines("kind: ConfigMap", "data:", "  key: \"unterminated", "  other: x"));

        assertFinding(layout.read(), Severity.ERROR, "manifests.yaml", "manifests/app.yaml", 3,
                "found unexpected end of stream (while scanning a quoted scalar at line 3)");
    }

    @Test
    void problemAtTheEndOfTheFileIsOnItsLastLine() throws Exception {
        layout.file("manifests/a.yaml", "a: [\n").file("manifests/b.yaml", "kind: x\nb: {");

        Layout result = layout.read();

        assertFindings(result, "ERROR manifests.yaml manifests/a.yaml:1", "ERROR manifests.yaml manifests/b.yaml:2");
        assertFinding(result, Severity.ERROR, "manifests.yaml", "manifests/a.yaml", 1, "at line 1)");
    }

    @Test
    void tabIndentationIsReportedOnItsLine() throws Exception {
        layout.file("manifests/app.yaml", "kind: ConfigMap\ndata:\n\tkey: value\n");

        assertFinding(layout.read(), Severity.ERROR, "manifests.yaml", "manifests/app.yaml", 3,
                "not valid YAML: found character '\\t(TAB)' that cannot start any token");
    }

    @Test
    void fileThatIsNotUtf8IsAFindingNotACrash() throws Exception {
        layout.bytes("manifests/latin1.yaml", "kind: ConfigMap\ndata:\n  city: M\u00fcnchen\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        Layout result = layout.read();

        assertFindings(result, "ERROR manifests.yaml manifests/latin1.yaml:3");
        assertFinding(result, Severity.ERROR, "manifests.yaml", "manifests/latin1.yaml", 3,
                "not valid YAML: the file is not UTF-8 encoded (byte 0xFC at byte 10 of the line is not part of a UTF-8 character)");
    }

    @Test
    void validMultiDocumentYamlIsFine() throws Exception {
        layout.file("manifests/app.yaml", lines("---", "kind: ConfigMap", "---", "# only a comment", "---", "kind: Service", "..."))
                .file("manifests/empty.yaml", "")
                .file("manifests/README.md", "not: [yaml\n");

        assertNoFindings(layout.read());
    }

    @Test
    void ymlFilesAreCheckedToo() throws Exception {
        layout.file("manifests/app.yml", lines("kind: ConfigMap", "data:", "  a: b", " c: d"));

        assertFinding(layout.read(), Severity.ERROR, "manifests.yaml", "manifests/app.yml", 4, "not valid YAML");
    }

    @Test
    void upperCaseExtensionIsCheckedToo() throws Exception {
        layout.file("manifests/APP.YAML", "kind: [ConfigMap\n");

        assertFinding(layout.read(), Severity.ERROR, "manifests.yaml", "manifests/APP.YAML", 1, "not valid YAML");
    }

    @Test
    void templatesAreNotParsed() throws Exception {
        layout.file("manifests/deployment.yaml.tmpl", lines(
                "kind: Deployment",
                "spec:",
                "  replicas: {{ .replicas }}",
                "{{- if .tls }}",
                "  tls: true",
                "{{- end }}"));

        assertNoFindings(layout.read());
    }

    @Test
    void templateNextToItsRenderedNameIsAnError() throws Exception {
        layout.file("manifests/app.yaml", "kind: ConfigMap\n").file("manifests/app.yaml.tmpl", "kind: {{ .kind }}\n");

        Layout result = layout.read();

        assertFindings(result, "ERROR manifests.template-collision manifests/app.yaml.tmpl");
        assertFinding(result, Severity.ERROR, "manifests.template-collision", "manifests/app.yaml.tmpl", 0,
                "sealos renders app.yaml.tmpl to app.yaml, which already exists and would be silently overwritten");
    }

    @Test
    void templateCollisionsInEtcAndScriptsToo() throws Exception {
        layout.file("etc/registry.yml", "a: b\n").file("etc/registry.yml.tmpl", "a: {{ .b }}\n")
                .file("scripts/init.sh", "echo\n").file("scripts/init.sh.tmpl", "echo {{ .x }}\n")
                .file("scripts/clean.sh.tmpl", "echo {{ .x }}\n");

        assertFindings(layout.read(),
                "ERROR manifests.template-collision etc/registry.yml.tmpl",
                "ERROR manifests.template-collision scripts/init.sh.tmpl");
    }

    @Test
    void yamlOutsideManifestsIsNotParsed() throws Exception {
        layout.file("etc/config.yaml", "not: [yaml\n").file("opt/values.yaml", "not: [yaml\n");

        assertNoFindings(layout.read());
    }

    @Test
    void nestedDirectoriesAreWalked() throws Exception {
        layout.file("manifests/base/ok.yaml", "kind: ConfigMap\n")
                .file("manifests/overlays/prod/bad.yaml", lines("kind: ConfigMap", "data:", "  key: \"unterminated"))
                .file("manifests/overlays/prod/app.yaml", "kind: x\n")
                .file("manifests/overlays/prod/app.yaml.tmpl", "kind: {{ .x }}\n");

        Layout result = layout.read();

        assertFindings(result,
                "ERROR manifests.template-collision manifests/overlays/prod/app.yaml.tmpl",
                "ERROR manifests.yaml manifests/overlays/prod/bad.yaml:3");
        assertFinding(result, Severity.ERROR, "manifests.yaml", "manifests/overlays/prod/bad.yaml", 3, "not valid YAML");
    }
}
