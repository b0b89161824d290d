package io.clusterimage.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;
import static io.clusterimage.layout.LayoutFixture.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry point: which Kubefile is read, how findings are ordered, and validation.json. */
class LayoutReaderTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
    }

    // ---- Kubefile selection ----

    @Test
    void severalKubefilesWarnOnEachIgnoredOneAndNameTheFileUsed() throws Exception {
        layout.kubefile("FROM scratch", "CMD [\"true\"]")
                .file("Dockerfile", lines("FROM alpine", "RUN echo"))
                .file("Containerfile", lines("FROM alpine"));

        Layout result = layout.read();

        assertEquals(layout.context.resolve("Kubefile"), result.kubefilePath().orElseThrow());
        assertFindings(result, "WARNING layout.several-kubefiles Containerfile", "WARNING layout.several-kubefiles Dockerfile");
        assertFinding(result, Severity.WARNING, "layout.several-kubefiles", "Dockerfile", 0,
                "both Kubefile and Dockerfile exist; this build reads Kubefile only");
    }

    @Test
    void sealfileIsPreferredToDockerfile() throws Exception {
        layout.file("Sealfile", lines("FROM scratch", "CMD [\"true\"]")).file("Dockerfile", lines("FROM scratch"));

        Layout result = layout.read();

        assertEquals(Path.of("Sealfile"), layout.context.relativize(result.kubefilePath().orElseThrow()));
        assertFinding(result, Severity.WARNING, "layout.several-kubefiles", "Dockerfile", 0, "this build reads Sealfile only");
    }

    @Test
    void aDirectoryNamedKubefileIsNotAKubefile() throws Exception {
        layout.dir("Kubefile").file("Dockerfile", lines("FROM scratch", "CMD [\"true\"]"));

        Layout result = layout.read();

        assertNoFindings(result);
        assertEquals(layout.context.resolve("Dockerfile"), result.kubefilePath().orElseThrow());
    }

    @Test
    void noKubefileIsAnError() throws Exception {
        layout.file("manifests/app.yaml", "kind: ConfigMap\n");

        Layout result = layout.read();

        assertFindings(result, "ERROR layout.no-kubefile .");
        assertFinding(result, Severity.ERROR, "layout.no-kubefile", ".", 0,
                "no Kubefile, Sealfile, Dockerfile or Containerfile in " + layout.context);
        assertTrue(result.kubefile().isEmpty());
        assertTrue(result.plan().isEmpty());
    }

    @Test
    void layoutChecksRunEvenWithoutKubefile() throws Exception {
        layout.file("images/shim/list", "Nginx\n");

        assertFindings(layout.read(), "ERROR layout.no-kubefile .", "ERROR shim.invalid-reference images/shim/list:1");
    }

    @Test
    void explicitKubefileIsReadAndOthersAreNotWarnedAbout() throws Exception {
        layout.kubefile("FROM scratch", "COPY missing missing")
                .file("build/Kubefile.prod", lines("FROM scratch", "COPY opt opt", "COPY gone gone"))
                .file("opt/tool", "x");

        Layout result = layout.read(options(Path.of("build/Kubefile.prod")));

        assertEquals(layout.context.resolve("build/Kubefile.prod"), result.kubefilePath().orElseThrow());
        assertFindings(result, "ERROR copy.missing-source build/Kubefile.prod:3");
        assertFinding(result, Severity.ERROR, "copy.missing-source", "build/Kubefile.prod", 3, "'gone'");
    }

    @Test
    void explicitKubefileThatDoesNotExistIsAnError() throws Exception {
        layout.kubefile("FROM scratch");

        Layout result = layout.read(options(Path.of("Kubefile.prod")));

        assertFindings(result, "ERROR layout.no-kubefile Kubefile.prod");
        assertFinding(result, Severity.ERROR, "layout.no-kubefile", "Kubefile.prod", 0, "the Kubefile set in <kubefile> does not exist");
    }

    @Test
    void missingContextDirectoryIsAnError() throws Exception {
        Layout result = LayoutReader.read(LayoutOptions.of(temp.resolve("nowhere")));

        assertEquals(1, result.findings().size());
        Finding finding = result.findings().get(0);
        assertEquals("layout.no-context", finding.code());
        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.message().contains("does not exist"), finding::describe);
    }

    @Test
    void buildArgsReachTheCopyCheck() throws Exception {
        layout.kubefile("FROM scratch", "ARG DIR", "COPY ${DIR} opt").file("opt-2/tool", "x");

        Layout result = layout.read(new LayoutOptions(layout.context, null, Map.of("DIR", "opt-3"), List.of(Platform.LINUX_AMD64)));

        assertFinding(result, Severity.ERROR, "copy.missing-source", "Kubefile", 3, "'opt-3'");
    }

    private LayoutOptions options(Path kubefile) {
        return new LayoutOptions(layout.context, kubefile, Map.of(), List.of(Platform.LINUX_AMD64));
    }

    // ---- ordering ----

    @Test
    void findingsAreErrorsFirstThenByFileAndLine() throws Exception {
        layout.kubefile("FROM scratch",
                        "COPY gone-1 a",                      // 2 error
                        "ENV SEALOS_SYS_X=1",                 // 3 warning
                        "COPY gone-2 b",                      // 4 error
                        "COPY manifests manifests")
                .file("manifests/bad.yaml", "a: [\n")
                .file("images/shim/list", lines("nginx", "Bad"))
                .file(".sealignore", lines("# comment"));

        Layout result = layout.read();

        assertFindings(result,
                "ERROR copy.missing-source Kubefile:2",
                "ERROR copy.missing-source Kubefile:4",
                "ERROR shim.invalid-reference images/shim/list:2",
                "ERROR manifests.yaml manifests/bad.yaml:1",
                "WARNING sealignore.comment .sealignore:1",
                "WARNING kubefile.registry-not-copied Kubefile:1",
                "WARNING env.sealos-sys Kubefile:3");
        List<Finding> findings = result.findings();
        int firstWarning = findings.indexOf(result.warnings().get(0));
        assertEquals(result.errors(), findings.subList(0, firstWarning));
        assertEquals(result.warnings(), findings.subList(firstWarning, findings.size()));
    }

    // ---- validation.json ----

    @Test
    void validationReportHasCountsAndEveryFinding() throws Exception {
        layout.kubefile("FROM scratch", "COPY gone gone", "ENV SEALOS_SYS_X=1", "COPY registry registry")
                .file("images/shim/list", "Bad\n");
        Layout result = layout.read();
        Path report = temp.resolve("target/cluster-image/validation.json");

        ValidationReport.write(result, report);

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(layout.context.toString(), json.get("contextDirectory").asText());
        assertEquals("Kubefile", json.get("kubefile").asText());
        assertEquals(2, json.get("errors").asInt());
        assertEquals(1, json.get("warnings").asInt());
        List<String> findings = new ArrayList<>();
        for (JsonNode node : json.get("findings")) {
            findings.add(node.get("severity").asText() + " " + node.get("code").asText() + " "
                    + node.get("file").asText() + ":" + node.get("line").asInt());
            assertFalse(node.get("message").asText().isEmpty());
            assertFalse(node.get("fix").asText().isEmpty());
        }
        assertEquals(List.of(
                "ERROR copy.missing-source Kubefile:2",
                "ERROR shim.invalid-reference images/shim/list:1",
                "WARNING env.sealos-sys Kubefile:3"), findings);
        JsonNode first = json.get("findings").get(0);
        assertEquals(result.findings().get(0).message(), first.get("message").asText());
        assertEquals(result.findings().get(0).fix(), first.get("fix").asText());
        try (var leftovers = Files.list(report.getParent())) {
            assertEquals(List.of(report), leftovers.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void validationReportOfAValidLayoutAndWithoutKubefile() throws Exception {
        Path report = temp.resolve("out/validation.json");

        ValidationReport.write(layout.read(), report);

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertTrue(json.get("kubefile").isNull());
        assertEquals(1, json.get("errors").asInt());
        assertEquals(0, json.get("warnings").asInt());
        assertEquals(".", json.get("findings").get(0).get("file").asText());

        layout.kubefile("FROM scratch", "CMD [\"true\"]");
        ValidationReport.write(layout.read(), report);

        json = new ObjectMapper().readTree(report.toFile());
        assertEquals(0, json.get("errors").asInt());
        assertEquals(0, json.get("findings").size());
    }
}
