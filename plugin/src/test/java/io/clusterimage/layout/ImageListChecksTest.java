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

/** images/shim/*, images/skopeo/tar.txt and .sealignore, line by line. */
class ImageListChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
        layout.kubefile("FROM scratch", "COPY registry registry", "CMD [\"true\"]");
    }

    // ---- images/shim ----

    @Test
    void invalidShimReferencesAreReportedOnTheirLines() throws Exception {
        layout.file("images/shim/appImages", lines(
                "# images the chart does not show",      // 1
                "docker.io/library/nginx:1.25",          // 2
                "quay.io/Cilium/cilium:v1.12.0",         // 3 upper case
                "",                                      // 4
                "{{ .Values.image }}",                   // 5 template text
                "   ",                                   // 6
                "rancher/harvester-csi-driver:",         // 7 empty tag
                "registry.k8s.io/pause:3.9"));           // 8

        Layout result = layout.read();

        assertFindings(result,
                "ERROR shim.invalid-reference images/shim/appImages:3",
                "ERROR shim.invalid-reference images/shim/appImages:5",
                "ERROR shim.invalid-reference images/shim/appImages:7");
        assertFinding(result, Severity.ERROR, "shim.invalid-reference", "images/shim/appImages", 3,
                "'quay.io/Cilium/cilium:v1.12.0' is not a valid image reference");
        assertFinding(result, Severity.ERROR, "shim.invalid-reference", "images/shim/appImages", 5, "'{{ .Values.image }}'");
        assertFinding(result, Severity.ERROR, "shim.invalid-reference", "images/shim/appImages", 7,
                "'rancher/harvester-csi-driver:' is not a valid image reference: the tag after ':' is empty");
    }

    @Test
    void commentsBlanksQuotesCrlfAndNoFinalNewlineAreAccepted() throws Exception {
        layout.file("images/shim/DefaultImageList",
                "# comment\r\n\r\n  \"docker.io/library/nginx:1.25\"  \r\n'quay.io/cilium/cilium:v1.12.0'\r\n"
                        + "  # indented comment\n\tnginx\nnginx@sha256:" + "a".repeat(64));

        assertNoFindings(layout.read());
    }

    @Test
    void everyFileUnderShimIsReadWhateverItsNameAndDepth() throws Exception {
        layout.file("images/shim/.gitkeep", "")
                .file("images/shim/calico/CalicoImageList", lines("calico/cni:v3.24.1", "calico/Node:v3.24.1"));

        assertFindings(layout.read(), "ERROR shim.invalid-reference images/shim/calico/CalicoImageList:2");
    }

    @Test
    void localEngineTransportsAreErrors() throws Exception {
        layout.file("images/shim/local", lines(
                "containers-storage:localhost/app:dev",
                "docker-daemon:app:dev",
                "\"containers-storage:quay.io/app:1\""));

        Layout result = layout.read();

        assertFindings(result,
                "ERROR shim.local-transport images/shim/local:1",
                "ERROR shim.local-transport images/shim/local:2",
                "ERROR shim.local-transport images/shim/local:3");
        assertFinding(result, Severity.ERROR, "shim.local-transport", "images/shim/local", 1,
                "'containers-storage:localhost/app:dev' reads from a local container engine");
    }

    @Test
    void otherTransportsAreInvalidReferences() throws Exception {
        layout.file("images/shim/urls", lines("docker://nginx:1.25", "oci-archive:app.tar", "docker-archive:calico.tar"));

        Layout result = layout.read();

        assertFindings(result,
                "ERROR shim.invalid-reference images/shim/urls:1",
                "ERROR shim.invalid-reference images/shim/urls:2",
                "ERROR shim.invalid-reference images/shim/urls:3");
        assertFinding(result, Severity.ERROR, "shim.invalid-reference", "images/shim/urls", 1, "looks like a URL");
        assertFinding(result, Severity.ERROR, "shim.invalid-reference", "images/shim/urls", 3,
                "'docker-archive:calico.tar' is an image archive, not an image reference");
    }

    // ---- images/skopeo/tar.txt ----

    @Test
    void tarLineWithoutAtIsAFormatError() throws Exception {
        layout.file("images/skopeo/tar.txt", lines("docker-archive:calico.tar")).file("images/skopeo/calico.tar", "x");

        Layout result = layout.read();

        assertFindings(result, "ERROR tar.format images/skopeo/tar.txt:1");
        assertFinding(result, Severity.ERROR, "tar.format", "images/skopeo/tar.txt", 1,
                "'docker-archive:calico.tar' is not of the form docker-archive:<path>@<repository[:tag]>");
    }

    @Test
    void tarLineWithAnotherTransportIsAFormatError() throws Exception {
        layout.file("images/skopeo/tar.txt", lines(
                "",
                "docker-archive:calico.tar@calico/cni:v3.20.0",
                "docker://calico/node:v3.20.0@calico/node:v3.20.0",
                "calico.tar@calico/cni:v3.20.0"))
                .file("images/skopeo/calico.tar", "x");

        assertFindings(layout.read(), "ERROR tar.format images/skopeo/tar.txt:3", "ERROR tar.format images/skopeo/tar.txt:4");
    }

    @Test
    void missingArchiveIsAnError() throws Exception {
        layout.file("images/skopeo/tar.txt", lines("oci-archive:images/cni.tar@calico/cni:v3.20.0"));

        Layout result = layout.read();

        assertFindings(result, "ERROR tar.missing-archive images/skopeo/tar.txt:1");
        assertFinding(result, Severity.ERROR, "tar.missing-archive", "images/skopeo/tar.txt", 1,
                "archive 'images/skopeo/images/cni.tar' does not exist");
    }

    @Test
    void archivePathLeavingSkopeoIsAnError() throws Exception {
        layout.file("images/skopeo/tar.txt", lines(
                "docker-archive:../calico.tar@calico/cni:v3.20.0",
                "docker-archive:../../../../etc/x.tar@calico/cni:v3.20.0"))
                .file("images/calico.tar", "x");

        Layout result = layout.read();

        assertFindings(result, "ERROR tar.outside-context images/skopeo/tar.txt:1", "ERROR tar.outside-context images/skopeo/tar.txt:2");
        assertFinding(result, Severity.ERROR, "tar.outside-context", "images/skopeo/tar.txt", 1,
                "archive path '../calico.tar' points outside images/skopeo/");
    }

    @Test
    void emptyArchivePathIsAFormatErrorNotAnEscape() throws Exception {
        layout.file("images/skopeo/tar.txt", lines("docker-archive:@calico/cni:v3.20.0", "oci-archive:./@calico/cni:v3.20.0"));

        Layout result = layout.read();

        assertFindings(result, "ERROR tar.format images/skopeo/tar.txt:1", "ERROR tar.format images/skopeo/tar.txt:2");
        assertFinding(result, Severity.ERROR, "tar.format", "images/skopeo/tar.txt", 1,
                "'docker-archive:@calico/cni:v3.20.0' names no archive file");
    }

    @Test
    void absoluteArchivePathIsJoinedUnderSkopeoLikeSealosDoes() throws Exception {
        layout.file("images/skopeo/tar.txt", lines("docker-archive:/calico.tar@calico/cni:v3.20.0"))
                .file("images/skopeo/calico.tar", "x");

        assertNoFindings(layout.read());
    }

    @Test
    void badTargetIsAnError() throws Exception {
        layout.file("images/skopeo/tar.txt", lines(
                "docker-archive:cni.tar@Calico/cni:v3.20.0",
                "docker-archive:cni.tar@calico/cni:",
                "docker-archive:cni.tar@docker.io:5000/calico/cni:v3"))
                .file("images/skopeo/cni.tar", "x");

        Layout result = layout.read();

        assertFindings(result,
                "ERROR tar.target images/skopeo/tar.txt:1",
                "ERROR tar.target images/skopeo/tar.txt:2",
                "ERROR tar.target images/skopeo/tar.txt:3");
        assertFinding(result, Severity.ERROR, "tar.target", "images/skopeo/tar.txt", 1,
                "target 'Calico/cni:v3.20.0' is not a repository path with an optional tag");
    }

    @Test
    void validTarLinesWithExistingArchivesAreFine() throws Exception {
        layout.file("images/skopeo/tar.txt", lines(
                "docker-archive:calico.tar@calico/cni:v3.20.0",
                "oci-archive:oci/node.tar@calico/node",
                "docker-archive:./calico.tar@my_org/calico-node__x:latest"))
                .file("images/skopeo/calico.tar", "x")
                .file("images/skopeo/oci/node.tar", "x");

        assertNoFindings(layout.read());
    }

    // ---- .sealignore ----

    @Test
    void sealignoreLinesThatCanNeverMatchWarn() throws Exception {
        layout.file(".sealignore", lines(
                "docker.io/library/nginx:1.25",          // 1 fine
                "# images we do not want",               // 2 comment
                "quay.io/cilium/operator-generic:v1.12.0 ", // 3 trailing blank
                "",                                      // 4 empty: fine
                "  nginx:latest",                        // 5 leading blanks
                "quay.io/Cilium/cilium:v1.12.0",         // 6 invalid reference
                "docker.io/library/*"));                 // 7 no globs

        Layout result = layout.read();

        assertFindings(result,
                "WARNING sealignore.comment .sealignore:2",
                "WARNING sealignore.blanks .sealignore:3",
                "WARNING sealignore.blanks .sealignore:5",
                "WARNING sealignore.never-matches .sealignore:6",
                "WARNING sealignore.never-matches .sealignore:7");
        assertFinding(result, Severity.WARNING, "sealignore.comment", ".sealignore", 2, ".sealignore has no comments");
        assertFinding(result, Severity.WARNING, "sealignore.blanks", ".sealignore", 3, "leading or trailing blanks");
        assertFinding(result, Severity.WARNING, "sealignore.never-matches", ".sealignore", 6,
                "'quay.io/Cilium/cilium:v1.12.0' is not an image reference");
    }

    @Test
    void validSealignoreIsFine() throws Exception {
        layout.file(".sealignore", "docker.io/library/nginx:1.25\r\nquay.io/cilium/cilium@sha256:" + "b".repeat(64));

        assertNoFindings(layout.read());
    }
}
